using CrampCds.Api.Observability;
using FluentAssertions;

namespace CrampCds.Api.Tests.Observability;

/// <summary>The hand-written Prometheus renderer (no exporter package exists here): what it writes must parse.</summary>
public sealed class PrometheusRegistryTests
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5];

    [Fact]
    public void A_counter_renders_its_help_type_and_one_line_per_label_set()
    {
        var registry = new PrometheusRegistry();
        var counter = registry.CreateCounter("test_requests_total", "Requests.", "service", "status");
        counter.Inc("svc", "200");
        counter.Inc("svc", "200");
        counter.Inc("svc", "400");

        var text = registry.Render();

        text.Should().Be(
            "# HELP test_requests_total Requests.\n" +
            "# TYPE test_requests_total counter\n" +
            "test_requests_total{service=\"svc\",status=\"200\"} 2\n" +
            "test_requests_total{service=\"svc\",status=\"400\"} 1\n");
        PrometheusText.Parse(text).Value("test_requests_total", ("service", "svc"), ("status", "200")).Should().Be(2);
        counter.Value("svc", "400").Should().Be(1);
    }

    [Fact]
    public void A_counter_without_labels_renders_a_bare_sample()
    {
        var registry = new PrometheusRegistry();
        registry.CreateCounter("test_total", "Things.").Inc();

        registry.Render().Should().EndWith("\ntest_total 1\n");
        PrometheusText.Parse(registry.Render()).Value("test_total").Should().Be(1);
    }

    [Theory]
    [InlineData("quote\"d")]
    [InlineData("back\\slash")]
    [InlineData("new\nline")]
    [InlineData("brace}{,=")]
    public void Label_values_are_escaped_so_the_line_still_parses_to_the_same_value(string value)
    {
        var registry = new PrometheusRegistry();
        registry.CreateCounter("test_total", "Things.", "reason").Inc(value);

        var sample = PrometheusText.Parse(registry.Render()).Should().ContainSingle().Subject;

        sample.Labels["reason"].Should().Be(value);
    }

    [Fact]
    public void A_histogram_renders_cumulative_buckets_then_Inf_sum_and_count()
    {
        var registry = new PrometheusRegistry();
        var histogram = registry.CreateHistogram("test_seconds", "Latency.", Buckets, "service");
        histogram.Observe(0.003, "svc");
        histogram.Observe(0.3, "svc");
        histogram.Observe(7, "svc");

        var samples = PrometheusText.Parse(registry.Render());

        var buckets = samples.Series("test_seconds_bucket");
        buckets.Select(b => b.Labels["le"]).Should().Equal("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2", "5", "+Inf");
        buckets.Should().OnlyContain(b => b.Labels["service"] == "svc");
        buckets.Select(b => b.Value).Should().Equal(1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3);
        samples.Value("test_seconds_sum", ("service", "svc")).Should().BeApproximately(7.303, 1e-9);
        samples.Value("test_seconds_count", ("service", "svc")).Should().Be(3);
    }

    [Fact]
    public void A_gauge_renders_its_last_value()
    {
        var registry = new PrometheusRegistry();
        var gauge = registry.CreateGauge("test_state", "State.", "server");
        gauge.Set(2, "h:1");
        gauge.Set(0, "h:1");
        gauge.Set(0.5, "h:2");

        var samples = PrometheusText.Parse(registry.Render());

        PrometheusText.Types(registry.Render())["test_state"].Should().Be("gauge");
        samples.Value("test_state", ("server", "h:1")).Should().Be(0);
        samples.Value("test_state", ("server", "h:2")).Should().Be(0.5);
    }

    [Fact]
    public void Families_render_in_name_order_and_asking_twice_gives_the_same_family()
    {
        var registry = new PrometheusRegistry();
        var first = registry.CreateCounter("b_total", "B.");
        registry.CreateCounter("a_total", "A.").Inc();
        registry.CreateCounter("b_total", "B.").Should().BeSameAs(first);
        first.Inc();

        var text = registry.Render();

        text.IndexOf("# HELP a_total", StringComparison.Ordinal).Should().BeLessThan(text.IndexOf("# HELP b_total", StringComparison.Ordinal));
        PrometheusText.Parse(text).Should().HaveCount(2);
    }

    [Fact]
    public async Task Counts_and_observations_from_many_threads_are_not_lost()
    {
        var registry = new PrometheusRegistry();
        var counter = registry.CreateCounter("test_total", "Things.", "k");
        var histogram = registry.CreateHistogram("test_seconds", "Latency.", Buckets, "k");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                counter.Inc("x");
                histogram.Observe(0.01, "x");
            }
        })));

        var samples = PrometheusText.Parse(registry.Render());
        samples.Value("test_total", ("k", "x")).Should().Be(8000);
        samples.Value("test_seconds_count", ("k", "x")).Should().Be(8000);
        samples.Value("test_seconds_bucket", ("k", "x"), ("le", "0.01")).Should().Be(8000);
    }
}
