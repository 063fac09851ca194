using System.Text.Json.Nodes;
using CrampCds.Cli;
using CrampCds.Core.Cases;
using CrampCds.TestSupport;
using FluentAssertions;

namespace CrampCds.Cli.Tests;

public sealed class CliAppTests : IDisposable
{
    private static readonly string Root = FindRoot();
    private static readonly string Cards = Path.Combine(Root, "cds-cards");
    private static readonly string Sample = Path.Combine(Root, "src", "CrampCds.Api", "Samples", "order-select-quinine.json");
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "crampcds-cli-" + Guid.NewGuid().ToString("N"));

    public CliAppTests() => Directory.CreateDirectory(_temp);

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Evaluate_prints_the_cards_a_request_gets()
    {
        var (code, output, _) = Run("evaluate", Sample, "--cards", Cards);

        code.Should().Be(0);
        output.Should().Contain("[critical] quinine-order").And.Contain("Remove the quinine order");
    }

    [Fact]
    public void Evaluate_json_prints_a_cds_hooks_response()
    {
        var (code, output, _) = Run("evaluate", Sample, "--cards", Cards, "--json");

        code.Should().Be(0);
        var cards = JsonNode.Parse(output)!["cards"]!.AsArray();
        cards.Should().ContainSingle();
        ((string?)cards[0]!["extension"]!["org.crampcds.rule-id"]).Should().Be("quinine-order");
    }

    [SharedDataFact]
    public void Evaluate_builds_the_request_from_a_patient_bundle()
    {
        var bundle = SharedData.Path("fhir-data", "synthea", "Mario_Dietrich_43d017d3-9f9a-4660-8bf0-fc919ce6379b.json");

        var (code, output, _) = Run("evaluate", "--patient", bundle, "--hook", "patient-view", "--cramps", "--now", "last-observation", "--cards", Cards);

        code.Should().Be(0);
        output.Should().Contain("causative-drugs").And.Contain("Hydrochlorothiazide 25 MG");
    }

    [SharedDataFact]
    public void Evaluate_of_an_order_hook_judges_the_draft_given()
    {
        var bundle = SharedData.Path("fhir-data", "synthea", "Mario_Dietrich_43d017d3-9f9a-4660-8bf0-fc919ce6379b.json");
        var draft = Path.Combine(_temp, "draft.json");
        File.WriteAllText(draft, """{"resourceType":"MedicationRequest","id":"d1","status":"draft","intent":"order","medicationCodeableConcept":{"text":"Qualaquin 324 mg"}}""");

        var (code, output, _) = Run("evaluate", "--patient", bundle, "--hook", "order-select", "--draft", draft, "--cards", Cards);

        code.Should().Be(0);
        output.Should().Contain("[critical] quinine-order");
    }

    [Theory]
    [InlineData("evaluate")]
    [InlineData("evaluate", "a.json", "--patient", "b.json")]
    [InlineData("evaluate", "--patient", "b.json", "--hook", "medication-prescribe")]
    [InlineData("frobnicate")]
    [InlineData("evaluate", "--no-such-option")]
    public void Usage_errors_exit_2(params string[] args)
    {
        Run(args).Code.Should().Be(2);
    }

    [Fact]
    public void An_invalid_request_exits_1_naming_the_field()
    {
        var request = Path.Combine(_temp, "bad.json");
        File.WriteAllText(request, """{"hook":"patient-view","hookInstance":"1","context":{}}""");

        var (code, _, error) = Run("evaluate", request, "--cards", Cards);

        code.Should().Be(1);
        error.Should().Contain("context.patientId");
    }

    [Fact]
    public void Lint_of_the_repository_content_passes_and_warns_about_unreviewed_rules()
    {
        var (code, output, _) = Run("lint", Cards);

        code.Should().Be(0);
        output.Should().Contain("0 errors").And.Contain("0 failing cases").And.Contain("not clinically reviewed yet");
    }

    [Fact]
    public void Lint_reports_every_problem_with_its_file_and_exits_1()
    {
        var copy = CopyCards();
        Edit(Path.Combine(copy, "rules", "hypokalemia.json"), rule => rule["indicator"] = "urgent");
        Edit(Path.Combine(copy, "rules", "dialysis-cramps.json"), rule => rule["summary"] = new string('x', 150));
        File.WriteAllText(Path.Combine(copy, "terminology", "labs.json"), "{");

        var (code, _, error) = Run("lint", copy);

        code.Should().Be(1);
        error.Should().Contain("hypokalemia.json").And.Contain("dialysis-cramps.json").And.Contain("labs.json");
    }

    [Fact]
    public void Lint_runs_the_cases_so_a_threshold_change_that_breaks_one_is_caught()
    {
        var copy = CopyCards();
        Edit(Path.Combine(copy, "rules", "hypokalemia.json"), rule => rule["unitThresholds"]!["low"]!["mmol/L"] = 3.3);

        var (code, output, error) = Run("lint", copy);

        code.Should().Be(1);
        error.Should().Contain("in-potassium-3.4.json");
        output.Should().Contain("failing cases");
    }

    private string CopyCards()
    {
        var copy = Path.Combine(_temp, "cds-cards");
        foreach (var file in Directory.GetFiles(Cards, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Cards, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static void Edit(string path, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error, new FixedTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero)));
        return (code, output.ToString(), error.ToString());
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CrampCds.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("CrampCds.sln not found");
    }
}
