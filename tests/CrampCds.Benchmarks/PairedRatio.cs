using System.Diagnostics;
using System.Globalization;

namespace CrampCds.Benchmarks;

/// <summary>
/// The pipeline's time ratio to its baseline, measured in pairs: rounds of a few milliseconds of each, alternating
/// which goes first, the ratio taken per round and reported as the median, with the quartiles of the rounds' ratios
/// (their spread, not the median's uncertainty). BenchmarkDotNet measures the baseline and then the pipeline, each in its
/// own process, tens of seconds apart; on a shared machine whose speed drifts between the two (these do, by a third
/// within minutes), the drift lands in its ratio. A pair is measured within milliseconds, so it cancels.
/// </summary>
internal static class PairedRatio
{
    public static int Run(string request, int rounds)
    {
        if (rounds < 2 || rounds % 2 != 0)
        {
            Console.Error.WriteLine("rounds: an even number, at least 2 (each goes first in half of them)");
            return 2;
        }

        var benchmark = new PipelineBenchmarks { Request = request };
        benchmark.Setup();
        try
        {
            // Warm both to their final JIT tier before measuring.
            var calls = Calibrate(benchmark);
            var ratios = new double[rounds];
            var baselineNs = new double[rounds];
            for (var round = 0; round < rounds; round++)
            {
                var baselineFirst = round % 2 == 0;
                var first = Time(benchmark, calls, baseline: baselineFirst);
                var second = Time(benchmark, calls, baseline: !baselineFirst);
                var (baseline, pipeline) = baselineFirst ? (first, second) : (second, first);
                ratios[round] = pipeline / baseline;
                baselineNs[round] = baseline * 1e9 / Stopwatch.Frequency / calls;
            }

            Array.Sort(ratios);
            Array.Sort(baselineNs);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{request}: pipeline / baseline = {Quantile(ratios, 0.5):F2}x (quartiles {Quantile(ratios, 0.25):F2}-{Quantile(ratios, 0.75):F2}) over {rounds} rounds of {calls} calls each; baseline median {Quantile(baselineNs, 0.5) / 1000:F2} us"));
            return 0;
        }
        finally
        {
            benchmark.Dispose();
        }
    }

    /// <summary>Calls per round: about 5 ms of the pipeline and at least 10 calls, after two seconds of warm-up.</summary>
    private static int Calibrate(PipelineBenchmarks benchmark)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            benchmark.ParseOnlyBaseline();
            benchmark.Pipeline();
        }

        var pipelineTicks = Time(benchmark, 1000, baseline: false) / 1000;
        return Math.Max(10, (int)(Stopwatch.Frequency * 0.005 / pipelineTicks));
    }

    private static double Time(PipelineBenchmarks benchmark, int calls, bool baseline)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            _ = baseline ? benchmark.ParseOnlyBaseline() : benchmark.Pipeline();
        }

        return Stopwatch.GetTimestamp() - start;
    }

    // Nearest rank: with hundreds of rounds, interpolating would move the figures by less than their last digit.
    private static double Quantile(double[] sorted, double q) => sorted[(int)Math.Round(q * (sorted.Length - 1), MidpointRounding.AwayFromZero)];
}
