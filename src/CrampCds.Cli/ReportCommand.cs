using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CrampCds.Cli;

/// <summary>
/// <c>crampcds report</c>: the per-rule card and feedback figures from a running service's /analytics/rules
/// (admin token), as a table or JSON. Comments are never part of it.
/// </summary>
internal static class ReportCommand
{
    public const string TokenVariable = "CRAMPCDS_ADMIN_TOKEN";

    private static readonly string[] Headings = ["rule", "indicator", "issued", "accepted", "overridden", "no response", "accepted %", "top override reasons"];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url") { Description = "The service's base URL.", DefaultValueFactory = _ => "http://localhost:5080" };
        var token = new Option<string?>("--token") { Description = $"An admin token (default: ${TokenVariable})." };
        var from = new Option<string?>("--from") { Description = "Start of the period (ISO date); default 30 days before --to." };
        var to = new Option<string?>("--to") { Description = "End of the period (ISO date); default now." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("report", "Per rule and indicator: cards issued, accepted, overridden, no response, acceptance rate, top override reasons.")
        {
            url, token, from, to, json,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var adminToken = parsed.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(adminToken))
            {
                error.WriteLine($"An admin token is needed: --token or ${TokenVariable}.");
                return CliApp.Usage;
            }

            if (!Uri.TryCreate(parsed.GetValue(url), UriKind.Absolute, out var baseUrl))
            {
                error.WriteLine("--url must be an absolute URL.");
                return CliApp.Usage;
            }

            var query = new List<string>();
            if (parsed.GetValue(from) is { } start)
            {
                query.Add("from=" + Uri.EscapeDataString(start));
            }

            if (parsed.GetValue(to) is { } end)
            {
                query.Add("to=" + Uri.EscapeDataString(end));
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "/analytics/rules" + (query.Count > 0 ? "?" + string.Join('&', query) : "")));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    error.WriteLine($"The service answered {(int)response.StatusCode}{(body.Length > 0 ? ": " + body : "")}");
                    return CliApp.Findings;
                }

                output.WriteLine(parsed.GetValue(json) ? body : Table(JsonNode.Parse(body)!));
                return CliApp.Ok;
            }
            catch (HttpRequestException ex)
            {
                error.WriteLine($"The service could not be reached: {ex.Message}");
                return CliApp.Findings;
            }
        });
        return command;
    }

    private static string Table(JsonNode report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Cards and feedback from {report["from"]} to {report["to"]}\n\n");
        var rows = new List<string[]> { Headings };
        foreach (var rule in report["rules"]!.AsArray())
        {
            var rate = rule!["acceptanceRate"] is { } r ? (r.GetValue<double>() * 100).ToString("0.0", CultureInfo.InvariantCulture) : "-";
            var reasons = string.Join(", ", rule["topOverrideReasons"]!.AsArray().Select(x => $"{(string?)x!["display"] ?? (string?)x["code"]} ({x["count"]})"));
            rows.Add([(string)rule["ruleId"]!, (string)rule["indicator"]!, $"{rule["issued"]}", $"{rule["accepted"]}", $"{rule["overridden"]}", $"{rule["noResponse"]}", rate, reasons]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(row => row[i].Length)).ToArray();
        foreach (var row in rows)
        {
            text.AppendJoin("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).Append('\n');
        }

        return text.ToString().TrimEnd();
    }
}
