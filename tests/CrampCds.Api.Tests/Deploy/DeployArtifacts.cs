using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace CrampCds.Api.Tests.Deploy;

/// <summary>
/// The deployment files and what the tools render from them. <c>.ci/deploy-checks.sh</c> renders
/// docker-compose.yml (docker-compose config) and deploy/k8s/overlays/production (kubectl kustomize) into a
/// folder, with JSON copies; CI names it in CRAMPCDS_DEPLOY_RENDERED. Without it the tests run the script
/// themselves when docker-compose and kubectl are on the PATH, and are skipped, with the reason, otherwise.
/// </summary>
public static class DeployArtifacts
{
    public const string RenderedVariable = "CRAMPCDS_DEPLOY_RENDERED";

    private static readonly string[] RenderingTools = ["docker-compose", "kubectl", "bash"];

    private static readonly Lazy<string> LazyRendered = new(Render, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Null when the rendered files can be had (given, or the tools to make them exist), else why not.</summary>
    public static string? RenderedUnavailableReason { get; } = FindUnavailableReason();

    /// <summary>The folder holding compose.json, compose.sandbox.json, k8s-production.json, cds-cards-configmap.json.</summary>
    public static string RenderedFolder => LazyRendered.Value;

    public static string RepositoryPath(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    public static string ReadRepositoryText(params string[] parts) => File.ReadAllText(RepositoryPath(parts));

    public static JsonNode ReadRendered(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RenderedFolder, fileName)))
        ?? throw new InvalidOperationException($"{fileName} is empty");

    /// <summary>The services of a rendered compose file (compose.json or compose.sandbox.json).</summary>
    public static JsonObject ComposeServices(string fileName = "compose.json") => ReadRendered(fileName)["services"]!.AsObject();

    /// <summary>The environment of a compose service as rendered (docker-compose config writes it as a map).</summary>
    public static IReadOnlyDictionary<string, string> ComposeEnvironment(string service, string fileName = "compose.json") =>
        ComposeServices(fileName)[service]!["environment"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal);

    /// <summary>Every object kubectl kustomize rendered for the production overlay.</summary>
    public static IReadOnlyList<JsonObject> KubernetesObjects() =>
        ReadRendered("k8s-production.json").AsArray().Select(o => o!.AsObject()).ToArray();

    public static JsonObject KubernetesObject(string kind, string namePrefix) =>
        KubernetesObjects().Single(o => (string?)o["kind"] == kind && ((string?)o["metadata"]?["name"] ?? "").StartsWith(namePrefix, StringComparison.Ordinal));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CrampCds.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("CrampCds.sln not found above the test binaries");
    }

    private static string? FindUnavailableReason()
    {
        if (Environment.GetEnvironmentVariable(RenderedVariable) is { Length: > 0 } given)
        {
            return File.Exists(Path.Combine(given, "compose.json")) && File.Exists(Path.Combine(given, "k8s-production.json"))
                ? null
                : $"{RenderedVariable}={given} holds no compose.json / k8s-production.json: run .ci/deploy-checks.sh {given} first";
        }

        var missing = RenderingTools.Where(tool => !OnPath(tool)).ToArray();
        return missing.Length == 0
            ? null
            : $"{RenderedVariable} is not set and {string.Join(", ", missing)} not on the PATH: the rendered deployment files cannot be checked here " +
              "(.ci/deploy-checks.sh installs the tools as root and renders them)";
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));

    private static string Render()
    {
        if (Environment.GetEnvironmentVariable(RenderedVariable) is { Length: > 0 } given)
        {
            return given;
        }

        if (RenderedUnavailableReason is not null)
        {
            throw new InvalidOperationException(RenderedUnavailableReason);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"crampcds-deploy-rendered-{Environment.ProcessId}");
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPath(".ci", "deploy-checks.sh"));
        start.ArgumentList.Add(folder);
        start.Environment["CRAMPCDS_DEPLOY_NO_INSTALL"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(".ci/deploy-checks.sh did not finish within 2 minutes");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($".ci/deploy-checks.sh failed ({process.ExitCode}):\n{output}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left in the temp folder.
            }
        };
        return folder;
    }
}

/// <summary>A fact on the rendered deployment files; skipped, visibly, when they cannot be had here.</summary>
public sealed class DeployRenderedFactAttribute : FactAttribute
{
    public DeployRenderedFactAttribute()
    {
        if (DeployArtifacts.RenderedUnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
