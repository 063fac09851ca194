namespace CrampCds.Api.Infrastructure;

/// <summary>
/// <c>CrampCds.Api probe [url]</c>: the container HEALTHCHECK without curl (the runtime image has none).
/// Exit 0 when the URL answers 2xx within 3 s, else 1.
/// </summary>
public static class HealthProbe
{
    public const string DefaultUrl = "http://127.0.0.1:8080/health/live";

    public static bool IsProbe(string[] args) => args is ["probe", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        var url = args.Length > 1 ? args[1] : DefaultUrl;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            return 1;
        }
    }
}
