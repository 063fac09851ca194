using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CrampCds.Api.Tests;

/// <summary>
/// The service in-process, in the "Testing" environment (so appsettings.Development.json and its broad FHIR
/// allowlist are not loaded), reading the repository's cds-cards. When a FHIR server is given it is the only
/// allowlisted one; any setting can be overridden per test.
/// </summary>
public sealed class CrampCdsApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _database;

    /// <param name="allowedFhirServer">The FHIR server to allowlist (CrampCds:Fhir:AllowedServers:0), usually a <c>FhirStub</c>.</param>
    /// <param name="settings">Configuration overrides, e.g. <c>("CrampCds:Fhir:TimeoutMs", "500")</c>.</param>
    public CrampCdsApplication(Uri? allowedFhirServer = null, params (string Key, string? Value)[] settings)
    {
        _settings["CrampCds:Cards:Path"] = RepoPaths.CdsCards;
        _settings["CrampCds:Fhir:AllowHttp"] = "true";

        // Each app its own store, so tests share nothing.
        _database = Path.Combine(Path.GetTempPath(), $"crampcds-test-{Guid.NewGuid():N}.db");
        _settings["ConnectionStrings:Feedback"] = $"Data Source={_database}";
        _settings["CrampCds:Feedback:PatientHashKey"] = "test-patient-hash-key";

        // Production defaults otherwise; authentication and rate limits have their own tests.
        _settings["CrampCds:Auth:RequireJwt"] = "false";
        _settings["CrampCds:Limits:RequestsPerMinute"] = "0";
        if (allowedFhirServer is not null)
        {
            _settings["CrampCds:Fhir:AllowedServers:0"] = allowedFhirServer.ToString().TrimEnd('/');
        }

        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    /// <summary>The SQLite file this app's store writes to.</summary>
    public string DatabasePath => _database;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }

        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>Folders of the repository under test, found from the test binaries.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding CrampCds.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string CdsCards => Path.Combine(Root, "cds-cards");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CrampCds.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"CrampCds.sln not found above {AppContext.BaseDirectory}");
    }
}
