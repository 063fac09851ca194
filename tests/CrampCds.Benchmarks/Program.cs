using BenchmarkDotNet.Running;
using CrampCds.Benchmarks;

// Modes: micro (BenchmarkDotNet), bodies <dir> (request bodies for the load script), bare (the baseline
// service), fhir-stub (a FHIR server that answers after a delay), latency (sequential timing of one request),
// paired (the pipeline's ratio to its baseline in alternating rounds), allocations (what a stage allocates, by type), count (a fixed number of calls, for an instruction count), profile (one request's pipeline in a loop,
// to attach dotnet-trace to).
return args switch
{
    ["micro", .. var rest] => RunMicro(rest),
    ["bodies", var directory] => RequestBodies.Write(directory),
    ["bare", .. var rest] => await BareService.RunAsync(rest),
    ["fhir-stub", .. var rest] => await DelayedFhirStub.RunAsync(rest),
    ["tokens", var audience, var count, var directory] => Tokens.Write(audience, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), directory),
    ["paired", var name, var rounds] => PairedRatio.Run(name, int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture)),
    ["allocations", var name, var stage, var calls] => AllocationSampler.Run(name, stage, int.Parse(calls, System.Globalization.CultureInfo.InvariantCulture)),
    ["count", var name, var calls, .. var of] => PipelineLoop.Count(name, int.Parse(calls, System.Globalization.CultureInfo.InvariantCulture), of is ["baseline"]),
    ["profile", var name, var seconds] => PipelineLoop.Run(name, double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)),
    ["latency", var url, var bodyFile, var count] => await LatencyProbe.RunAsync(url, bodyFile, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int RunMicro(string[] rest)
{
    BenchmarkSwitcher.FromAssembly(typeof(PipelineBenchmarks).Assembly).Run(rest);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: micro [BenchmarkDotNet args] | bodies <dir> | bare [--urls U] | fhir-stub --urls U --delay-ms N | tokens <aud> <count> <dir> | latency <url> <body.json> <count> | paired <request> <rounds> | allocations <request> <all|read|evaluate> <calls> | profile <request> <seconds> | count <request> <calls> [baseline]");
    return 2;
}
