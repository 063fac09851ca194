using System.CommandLine;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Rules;

namespace CrampCds.Cli;

/// <summary><c>crampcds lint [cds-cards]</c>: every problem in the content with its file, then every case run.</summary>
internal static class LintCommand
{
    public static Command Create(TextWriter output, TextWriter error, TimeProvider time)
    {
        var folder = new Argument<string?>("cds-cards") { Description = "The cds-cards folder (default: the nearest one above the working directory).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("lint", "Validate the cds-cards content and run its cases; exit 1 on any error.") { folder };
        command.SetAction(parsed =>
        {
            var path = CliApp.ResolveCardsPath(parsed.GetValue(folder));
            var rules = RuleSet.Create();
            var (catalog, problems) = CardCatalog.Lint(path, rules);
            foreach (var problem in problems)
            {
                (problem.IsError ? error : output).WriteLine(problem);
            }

            var errors = problems.Count(p => p.IsError);
            var failedCases = catalog is null ? 0 : RunCases(path, catalog, rules, output, error, time);
            var warnings = problems.Count - errors;
            output.WriteLine($"{errors} errors, {warnings} warnings, {failedCases} failing cases");
            return errors + failedCases > 0 ? CliApp.Findings : CliApp.Ok;
        });
        return command;
    }

    private static int RunCases(string path, CardCatalog catalog, IReadOnlyList<IRule> rules, TextWriter output, TextWriter error, TimeProvider time)
    {
        var casesPath = Path.Combine(path, "cases");
        if (!Directory.Exists(casesPath))
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var evaluator = new HookEvaluator(catalog, rules, [], new FixedTimeProvider(now));
        var failed = 0;
        var files = Directory.GetFiles(casesPath, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            try
            {
                var @case = CaseFile.Load(file);
                var got = @case.Run(catalog, evaluator, now).Cards.Select(c => c.RuleId).Order(StringComparer.Ordinal).ToList();
                var expected = @case.Expect.Order(StringComparer.Ordinal).ToList();
                if (!got.SequenceEqual(expected))
                {
                    failed++;
                    error.WriteLine($"{file}: expected [{string.Join(", ", expected)}] but got [{string.Join(", ", got)}]");
                }
            }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
            {
                failed++;
                error.WriteLine($"{file}: {ex.Message}");
            }
        }

        output.WriteLine($"{files.Count} cases run");
        return failed;
    }
}
