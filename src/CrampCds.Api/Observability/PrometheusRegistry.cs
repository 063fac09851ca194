using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace CrampCds.Api.Observability;

/// <summary>
/// A small Prometheus registry (no exporter package exists here): counters, gauges and histograms keyed by
/// label values, rendered in the text exposition format. Label values are rule ids, service ids, reasons,
/// hosts and status codes: never patient data.
/// </summary>
public sealed class PrometheusRegistry
{
    private readonly ConcurrentDictionary<string, Family> _families = new(StringComparer.Ordinal);

    public Counter CreateCounter(string name, string help, params string[] labels) =>
        (Counter)_families.GetOrAdd(name, _ => new Counter(name, help, labels));

    public Gauge CreateGauge(string name, string help, params string[] labels) =>
        (Gauge)_families.GetOrAdd(name, _ => new Gauge(name, help, labels));

    public Histogram CreateHistogram(string name, string help, double[] buckets, params string[] labels) =>
        (Histogram)_families.GetOrAdd(name, _ => new Histogram(name, help, buckets, labels));

    public string Render()
    {
        var text = new StringBuilder(4096);
        foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            family.Render(text);
        }

        return text.ToString();
    }

    public abstract class Family(string name, string help, string type, string[] labels)
    {
        public string Name { get; } = name;

        protected string[] Labels { get; } = labels;

        public void Render(StringBuilder text)
        {
            text.Append("# HELP ").Append(Name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
            RenderSamples(text);
        }

        protected abstract void RenderSamples(StringBuilder text);

        protected static string Key(string[] values) => string.Join('\u001f', values);

        protected string LabelText(string key, string? extraName = null, string? extraValue = null)
        {
            var values = key.Length == 0 && Labels.Length == 0 ? [] : key.Split('\u001f');
            var parts = new List<string>(Labels.Length + 1);
            for (var i = 0; i < Labels.Length; i++)
            {
                parts.Add($"{Labels[i]}=\"{Escape(values[i])}\"");
            }

            if (extraName is not null)
            {
                parts.Add($"{extraName}=\"{extraValue}\"");
            }

            return parts.Count == 0 ? "" : "{" + string.Join(',', parts) + "}";
        }

        protected static string Number(double value) =>
            double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

        private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    public sealed class Counter(string name, string help, string[] labels) : Family(name, help, "counter", labels)
    {
        private readonly ConcurrentDictionary<string, StrongBox<long>> _values = new(StringComparer.Ordinal);

        public void Inc(params string[] labelValues) => Interlocked.Increment(ref _values.GetOrAdd(Key(labelValues), _ => new StrongBox<long>()).Value);

        public long Value(params string[] labelValues) => _values.TryGetValue(Key(labelValues), out var box) ? Interlocked.Read(ref box.Value) : 0;

        protected override void RenderSamples(StringBuilder text)
        {
            foreach (var (key, box) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                text.Append(Name).Append(LabelText(key)).Append(' ').Append(Interlocked.Read(ref box.Value)).Append('\n');
            }
        }
    }

    public sealed class Gauge(string name, string help, string[] labels) : Family(name, help, "gauge", labels)
    {
        private readonly ConcurrentDictionary<string, double> _values = new(StringComparer.Ordinal);

        public void Set(double value, params string[] labelValues) => _values[Key(labelValues)] = value;

        protected override void RenderSamples(StringBuilder text)
        {
            foreach (var (key, value) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                text.Append(Name).Append(LabelText(key)).Append(' ').Append(Number(value)).Append('\n');
            }
        }
    }

    public sealed class Histogram(string name, string help, double[] buckets, string[] labels) : Family(name, help, "histogram", labels)
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

        public void Observe(double value, params string[] labelValues)
        {
            var series = _series.GetOrAdd(Key(labelValues), _ => new Series(buckets.Length));
            lock (series)
            {
                for (var i = 0; i < buckets.Length; i++)
                {
                    if (value <= buckets[i])
                    {
                        series.Counts[i]++;
                    }
                }

                series.Count++;
                series.Sum += value;
            }
        }

        protected override void RenderSamples(StringBuilder text)
        {
            foreach (var (key, series) in _series.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                lock (series)
                {
                    for (var i = 0; i < buckets.Length; i++)
                    {
                        text.Append(Name).Append("_bucket").Append(LabelText(key, "le", Number(buckets[i]))).Append(' ').Append(series.Counts[i]).Append('\n');
                    }

                    text.Append(Name).Append("_bucket").Append(LabelText(key, "le", "+Inf")).Append(' ').Append(series.Count).Append('\n');
                    text.Append(Name).Append("_sum").Append(LabelText(key)).Append(' ').Append(Number(series.Sum)).Append('\n');
                    text.Append(Name).Append("_count").Append(LabelText(key)).Append(' ').Append(series.Count).Append('\n');
                }
            }
        }

        private sealed class Series(int buckets)
        {
            public long[] Counts { get; } = new long[buckets];
            public long Count { get; set; }
            public double Sum { get; set; }
        }
    }
}
