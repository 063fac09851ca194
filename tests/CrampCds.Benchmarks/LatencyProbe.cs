using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CrampCds.Benchmarks;

/// <summary>Sends one request body <c>count</c> times, one after another, and prints p50 and p99 latency.</summary>
public static class LatencyProbe
{
    public static async Task<int> RunAsync(string url, string bodyFile, int count)
    {
        var body = await File.ReadAllTextAsync(bodyFile);
        using var http = new HttpClient();
        var times = new List<double>(count);
        for (var i = 0; i < count + 10; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync(new Uri(url), new StringContent(body, Encoding.UTF8, "application/json"));
            await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"{url} answered {(int)response.StatusCode}");
                return 1;
            }

            if (i >= 10)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"n={count} p50={times[count / 2]:0.0}ms p99={times[(int)(count * 0.99)]:0.0}ms"));
        return 0;
    }
}
