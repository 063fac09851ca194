namespace CrampCds.Benchmarks;

/// <summary>A FHIR server for the fetch-on-miss measurement: every query answers after a fixed delay.</summary>
public static class DelayedFhirStub
{
    public static async Task<int> RunAsync(string[] args)
    {
        var delay = TimeSpan.FromMilliseconds(int.Parse(Option(args, "--delay-ms") ?? "50", System.Globalization.CultureInfo.InvariantCulture));
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/fhir/Patient/{id}", async (string id) =>
        {
            await Task.Delay(delay);
            return Results.Text($$"""{"resourceType":"Patient","id":"{{id}}","gender":"female","birthDate":"1948-05-02"}""", "application/fhir+json");
        });
        app.MapGet("/fhir/{type}", async (string type) =>
        {
            await Task.Delay(delay);
            var entries = type == "Condition"
                ? """[{"resource":{"resourceType":"Condition","id":"c1","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"449918009"}]}}}]"""
                : "[]";
            return Results.Text($$"""{"resourceType":"Bundle","type":"searchset","entry":{{entries}}}""", "application/fhir+json");
        });
        await app.RunAsync();
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
