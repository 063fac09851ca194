using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CrampCds.Api.Tests.Auth;

/// <summary>One log call as a provider sees it: the formatted message, every structured value, the exception and the scopes open.</summary>
public sealed record CapturedLog(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    IReadOnlyList<KeyValuePair<string, string?>> State,
    string? Exception);

/// <summary>
/// An <see cref="ILoggerProvider"/> that keeps everything it is given: every message (formatted), every structured
/// state key and value, every scope's text and key/values, and exception text. Add it with
/// <c>services.AddSingleton&lt;ILoggerProvider&gt;(capture)</c> in ConfigureTestServices.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private readonly ConcurrentQueue<string> _scopes = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>The text of every scope opened (its formatted form and each key=value).</summary>
    public IReadOnlyList<string> Scopes => [.. _scopes];

    /// <summary>Everything captured, one piece per line: what must never hold a token or PHI.</summary>
    public string AllText => string.Join('\n', _entries.SelectMany(Texts).Concat(_scopes));

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(this, categoryName);

    public void Dispose()
    {
        // Nothing to release; the entries stay readable after the service stops.
    }

    private static IEnumerable<string> Texts(CapturedLog entry)
    {
        yield return $"{entry.Category} [{entry.Level}] {entry.EventId}: {entry.Message}";
        foreach (var (key, value) in entry.State)
        {
            yield return $"{key}={value}";
        }

        if (entry.Exception is not null)
        {
            yield return entry.Exception;
        }
    }

    private static List<KeyValuePair<string, string?>> Values(object? state) =>
        state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.Select(p => new KeyValuePair<string, string?>(p.Key, Render(p.Value))).ToList()
            : [];

    private static string? Render(object? value) => value switch
    {
        null => null,
        string s => s,
        System.Collections.IEnumerable sequence => string.Join(",", sequence.Cast<object?>()),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed class CaptureLogger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            capture._scopes.Enqueue(Convert.ToString(state, System.Globalization.CultureInfo.InvariantCulture) ?? "");
            foreach (var (key, value) in Values(state))
            {
                capture._scopes.Enqueue($"{key}={value}");
            }

            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            capture._entries.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), Values(state), exception?.ToString()));
        }
    }
}
