using System.Text.Json.Nodes;
using FluentAssertions;

namespace CrampCds.Api.Tests.Infrastructure;

/// <summary>
/// Start-up refuses content it cannot use: a clinical informaticist's broken edit to cds-cards stops the service
/// with a message naming the file, instead of serving wrong or missing cards.
/// </summary>
public sealed class CardCatalogExtensionsTests
{
    /// <summary>Copies the repository's cds-cards to a temporary folder, lets the test break it, and starts the service on it.</summary>
    private static Exception StartWithBrokenCards(string file, Action<string> breakIt)
    {
        var folder = Path.Combine(Path.GetTempPath(), "crampcds-cards-" + Guid.NewGuid().ToString("N"));
        try
        {
            CopyFolder(RepoPaths.CdsCards, folder);
            var path = Path.Combine(folder, file);
            breakIt(path);
            using var app = new CrampCdsApplication(null, ("CrampCds:Cards:Path", folder));

            var start = () => app.CreateClient().Dispose();

            return start.Should().Throw<Exception>().Which;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }

    private static void EditJson(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private static string AllMessages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
            if (e is AggregateException aggregate)
            {
                messages.AddRange(aggregate.InnerExceptions.Select(AllMessages));
            }
        }

        return string.Join(" | ", messages);
    }

    [Fact]
    public async Task The_repository_cds_cards_load()
    {
        await using var app = new CrampCdsApplication();

        using var client = app.CreateClient();

        client.Should().NotBeNull();
    }

    [Fact]
    public void An_unknown_indicator_stops_start_up_naming_the_rule_file()
    {
        var error = StartWithBrokenCards(Path.Combine("rules", "quinine-order.json"), path => EditJson(path, json => json["indicator"] = "urgent"));

        AllMessages(error).Should().Contain("quinine-order.json").And.Contain("indicator");
    }

    [Fact]
    public void Invalid_JSON_stops_start_up_naming_the_file()
    {
        var error = StartWithBrokenCards(Path.Combine("rules", "data-unavailable.json"), path => File.AppendAllText(path, "\n{ not json"));

        AllMessages(error).Should().Contain("data-unavailable.json");
    }

    [Fact]
    public void A_misspelt_field_stops_start_up_naming_the_file()
    {
        var error = StartWithBrokenCards(Path.Combine("rules", "quinine-order.json"), path => EditJson(path, json =>
        {
            json["summmary"] = json["summary"]!.DeepClone();
        }));

        AllMessages(error).Should().Contain("quinine-order.json").And.Contain("summmary");
    }

    [Fact]
    public void A_summary_of_140_characters_or_more_stops_start_up_naming_the_file()
    {
        var error = StartWithBrokenCards(Path.Combine("rules", "quinine-order.json"), path => EditJson(path, json => json["summary"] = new string('x', 140)));

        AllMessages(error).Should().Contain("quinine-order.json").And.Contain("140");
    }

    [Fact]
    public void A_critical_card_without_override_reasons_stops_start_up_naming_the_file()
    {
        var error = StartWithBrokenCards(Path.Combine("rules", "quinine-order.json"), path => EditJson(path, json => json.Remove("overrideReasons")));

        AllMessages(error).Should().Contain("quinine-order.json").And.Contain("overrideReasons");
    }

    [Fact]
    public void A_missing_rule_file_stops_start_up_naming_it()
    {
        var error = StartWithBrokenCards(Path.Combine("rules", "quinine-order.json"), File.Delete);

        AllMessages(error).Should().Contain("quinine-order.json").And.Contain("missing");
    }

    [Fact]
    public void A_service_missing_a_prefetch_key_stops_start_up_naming_services_json()
    {
        var error = StartWithBrokenCards("services.json", path => EditJson(path, json => json["services"]![1]!["prefetch"]!.AsObject().Remove("labs")));

        AllMessages(error).Should().Contain("services.json").And.Contain("labs");
    }

    [Fact]
    public void A_prefetch_template_with_a_token_the_EHR_cannot_fill_stops_start_up_naming_services_json()
    {
        var error = StartWithBrokenCards("services.json", path => EditJson(path, json =>
            json["services"]![0]!["prefetch"]!["patient"] = "Patient/{{userPractitionerId}}"));

        AllMessages(error).Should().Contain("services.json").And.Contain("patient");
    }

    [Fact]
    public void Terminology_without_quinine_stops_start_up_naming_the_file()
    {
        var error = StartWithBrokenCards(Path.Combine("terminology", "medications.json"), path => EditJson(path, json => json["concepts"] = new JsonArray()));

        AllMessages(error).Should().Contain("medications.json").And.Contain("quinine");
    }

    [Fact]
    public void A_cds_cards_folder_that_does_not_exist_stops_start_up_saying_so()
    {
        var missing = Path.Combine(Path.GetTempPath(), "crampcds-no-such-folder-" + Guid.NewGuid().ToString("N"));
        using var app = new CrampCdsApplication(null, ("CrampCds:Cards:Path", missing));

        var start = () => app.CreateClient().Dispose();

        AllMessages(start.Should().Throw<Exception>().Which).Should().Contain(missing);
    }
}
