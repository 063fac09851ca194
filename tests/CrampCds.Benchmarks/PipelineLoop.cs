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

    /// <summary>
    /// Exactly <paramref name="calls"/> calls, for counting instructions (<c>valgrind --tool=callgrind</c>): the difference
    /// between two counts is the calls' own, whatever the machine's speed.
    /// </summary>
    /// <param name="baseline">The floor (<see cref="PipelineBenchmarks.ParseOnlyBaseline"/>) instead of the pipeline.</param>
    public static int Count(string request, int calls, bool baseline)
    {
        var benchmark = new PipelineBenchmarks { Request = request };
        benchmark.Setup();
        var result = 0L;
        for (var i = 0; i < calls; i++)
        {
            result += baseline ? benchmark.ParseOnlyBaseline() : benchmark.Pipeline();
        }

        benchmark.Dispose();
        Console.WriteLine($"{request}: {calls} calls of the {(baseline ? "baseline" : "pipeline")} ({result / Math.Max(calls, 1)} each)");
        return 0;
    }
}
