namespace CrampCds.TestSupport;

/// <summary>
/// Locates the shared test data that lives beside the repository (<c>../shared</c>, as in CI) and is never copied
/// into it. In a clone without it, tests marked <see cref="SharedDataFactAttribute"/> or
/// <see cref="SharedDataTheoryAttribute"/> are reported as skipped, with <see cref="SkipReason"/>.
/// </summary>
public static class SharedData
{
    public const string SkipReason =
        "../shared (FHIR test data) not found beside the repository: this test needs it and is skipped";

    /// <summary>The full path of <c>../shared</c> next to the folder holding CrampCds.sln, or null when it is absent.</summary>
    public static string? Root { get; } = FindRoot();

    public static bool Available => Root is not null;

    /// <summary>A path inside <see cref="Root"/>, e.g. <c>SharedData.Path("fhir-data", "synthea")</c>.</summary>
    /// <exception cref="InvalidOperationException">The shared data is absent.</exception>
    public static string Path(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (Root is null)
        {
            throw new InvalidOperationException(SkipReason);
        }

        return System.IO.Path.Combine([Root, .. parts]);
    }

    /// <summary>
    /// The Synthea patients' file names, for a <see cref="SharedDataTheoryAttribute"/>'s member data; one placeholder
    /// row when the data is absent (the theory is skipped, but xunit needs a row to report it).
    /// </summary>
    public static TheoryData<string> SyntheaPatients()
    {
        var data = new TheoryData<string>();
        if (Available)
        {
            foreach (var file in Directory.GetFiles(Path("fhir-data", "synthea"), "*.json").Order(StringComparer.Ordinal))
            {
                data.Add(System.IO.Path.GetFileName(file));
            }
        }
        else
        {
            data.Add("(shared data absent)");
        }

        return data;
    }

    private static string? FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "CrampCds.sln")))
            {
                var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory.FullName, "..", "shared"));
                return Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs <c>../shared</c>; skipped, visibly, when it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (!SharedData.Available)
        {
            Skip = SharedData.SkipReason;
        }
    }
}

/// <summary>A theory that needs <c>../shared</c>; skipped, visibly, when it is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (!SharedData.Available)
        {
            Skip = SharedData.SkipReason;
        }
    }
}
