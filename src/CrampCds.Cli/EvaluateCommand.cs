using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;

namespace CrampCds.Cli;

/// <summary><c>crampcds evaluate request.json</c> or <c>crampcds evaluate --patient bundle.json --hook patient-view</c>.</summary>
internal static class EvaluateCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error, TimeProvider time)
    {
        var request = new Argument<FileInfo?>("request") { Description = "A CDS Hooks request body (JSON) with its prefetch.", Arity = ArgumentArity.ZeroOrOne };
        var patient = new Option<FileInfo?>("--patient") { Description = "Build the request from a patient's FHIR Bundle instead." };
        var hook = new Option<string>("--hook") { Description = "With --patient: patient-view, order-select or order-sign.", DefaultValueFactory = _ => HookNames.PatientView };
        hook.AcceptOnlyFromAmong(HookNames.PatientView, HookNames.OrderSelect, HookNames.OrderSign);
        var draft = new Option<FileInfo?>("--draft") { Description = "With --patient and an order hook: the draft MedicationRequest (JSON) to judge." };
        var cramps = new Option<bool>("--cramps") { Description = "With --patient: add an active leg-cramp diagnosis (SNOMED 449918009)." };
        var now = new Option<string?>("--now") { Description = "The clock: an ISO date or instant, or 'last-observation' (with --patient). Default: now." };
        var cards = new Option<string?>("--cards") { Description = "The cds-cards folder (default: the nearest one above the working directory)." };
        var json = new Option<bool>("--json") { Description = "Print the CDS Hooks response JSON instead of a summary." };

        var command = new Command("evaluate", "Print the cards a hook request gets (same rules as the service; no server, no FHIR calls).")
        {
            request, patient, hook, draft, cramps, now, cards, json,
        };
        command.SetAction(parsed =>
        {
            var requestFile = parsed.GetValue(request);
            var patientFile = parsed.GetValue(patient);
            if ((requestFile is null) == (patientFile is null))
            {
                error.WriteLine("Give either a request file or --patient <bundle.json>.");
                return CliApp.Usage;
            }

            foreach (var file in new[] { requestFile, patientFile, parsed.GetValue(draft) })
            {
                if (file is { Exists: false })
                {
                    error.WriteLine($"{file.FullName}: no such file");
                    return CliApp.Usage;
                }
            }

            try
            {
                var catalog = CardCatalog.Load(CliApp.ResolveCardsPath(parsed.GetValue(cards)), RuleSet.Create());
                string body;
                JsonObject? bundle = null;
                if (requestFile is not null)
                {
                    body = File.ReadAllText(requestFile.FullName);
                }
                else
                {
                    bundle = JsonNode.Parse(File.ReadAllText(patientFile!.FullName))?.AsObject() ?? throw new FormatException("the bundle is not a JSON object");
                    var draftResource = parsed.GetValue(draft) is { } draftFile ? JsonNode.Parse(File.ReadAllText(draftFile.FullName))?.AsObject() : null;
                    var extra = parsed.GetValue(cramps) ? new[] { CrampCondition(bundle) } : null;
                    body = PatientBundleRequest.Build(bundle, parsed.GetValue(hook)!, catalog, draftResource, extra).ToJsonString();
                }

                var clock = Clock(parsed.GetValue(now), bundle, time);
                var evaluator = new HookEvaluator(catalog, RuleSet.Create(), [], new FixedTimeProvider(clock));
                var result = CaseFile.Evaluate(body, catalog, evaluator);
                if (parsed.GetValue(json))
                {
                    output.WriteLine(CardsJson.Serialize(result.Cards));
                }
                else
                {
                    CardPrinter.Print(result, output);
                }

                return CliApp.Ok;
            }
            catch (Exception ex) when (ex is CardContentException or FormatException or JsonException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine(ex.Message);
                return CliApp.Findings;
            }
        });
        return command;
    }

    private static DateTimeOffset Clock(string? now, JsonObject? bundle, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(now))
        {
            return time.GetUtcNow();
        }

        if (now == "last-observation")
        {
            return (bundle is null ? null : PatientBundleRequest.LastObservation(bundle))?.AddDays(1)
                ?? throw new FormatException("--now last-observation needs --patient with Observations");
        }

        return DateTimeOffset.TryParse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new FormatException($"--now '{now}' is not an ISO date or instant");
    }

    private static JsonObject CrampCondition(JsonObject bundle)
    {
        var patientId = (bundle["entry"] as JsonArray)?.Select(e => e?["resource"]).FirstOrDefault(r => (string?)r?["resourceType"] == "Patient")?["id"];
        return new JsonObject
        {
            ["resourceType"] = "Condition",
            ["id"] = "crampcds-cli-leg-cramps",
            ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-clinical", ["code"] = "active" }) },
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://snomed.info/sct", ["code"] = "449918009", ["display"] = "Cramp in lower leg" }) },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        };
    }
}
