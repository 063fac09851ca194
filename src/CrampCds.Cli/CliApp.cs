using System.CommandLine;

namespace CrampCds.Cli;

/// <summary>The offline tool: evaluate a hook request or a patient Bundle, and lint the cds-cards content.</summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Findings = 1;
    public const int Usage = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error, TimeProvider time)
    {
        var root = new RootCommand("CrampCds offline tool: the cards a request gets, and checks of the clinical content.")
        {
            EvaluateCommand.Create(output, error, time),
            LintCommand.Create(output, error, time),
            ReportCommand.Create(output, error),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                error.WriteLine(problem.Message);
            }

            error.WriteLine("Run 'crampcds --help' for usage.");
            return Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The cds-cards folder: as given, else the nearest one above the working directory, else beside the tool.</summary>
    public static string ResolveCardsPath(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            return Path.GetFullPath(given);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "cds-cards");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return Path.GetFullPath("cds-cards");
    }
}
