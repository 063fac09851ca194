using System.Diagnostics;

namespace CrampCds.Benchmarks;

/// <summary>
/// Runs <see cref="PipelineBenchmarks.Pipeline"/> for one request in a loop, for a sampling profiler
/// (<c>dotnet-trace collect -- dotnet CrampCds.Benchmarks.dll profile order-select-baclofen 20</c>).
/// </summary>
internal static class PipelineLoop
{
    public static int Run(string request, double seconds)
    {
        var benchmark = new PipelineBenchmarks { Request = request };
        benchmark.Setup();
        try
        {
            var calls = 0L;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                benchmark.Pipeline();
                calls++;
            }

            Console.WriteLine($"{request}: {calls} calls, {clock.Elapsed.TotalMicroseconds / calls:F1} us per call");
            return 0;
        }
        finally
        {
            benchmark.Dispose();
        }
    }
}
