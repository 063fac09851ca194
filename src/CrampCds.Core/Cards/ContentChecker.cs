using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CrampCds.Core.Cards;

/// <summary>One problem in the cds-cards content: its file, what is wrong, and whether it stops start-up.</summary>
public sealed record ContentProblem(string File, string Message, bool IsError)
{
    public override string ToString() => $"{File}: {(IsError ? "" : "warning: ")}{Message}";
}

/// <summary>Collects every problem across the content instead of stopping at the first one.</summary>
internal sealed class ContentChecker
{
    private readonly List<ContentProblem> _problems = [];

    public IReadOnlyList<ContentProblem> Problems => _problems;
    public int ErrorCount { get; private set; }
    public bool HasErrors => ErrorCount > 0;

    public bool That(bool condition, string file, string message)
    {
        if (!condition)
        {
            Error(file, message);
        }

        return condition;
    }

    public void Error(string file, string message)
    {
        _problems.Add(new ContentProblem(file, message, IsError: true));
        ErrorCount++;
    }

    public void Warning(string file, string message) => _problems.Add(new ContentProblem(file, message, IsError: false));

    /// <summary>Reads one file; a missing or invalid file is an error and gives null.</summary>
    public T? Read<T>(string file, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            using var stream = File.OpenRead(file);
            var value = JsonSerializer.Deserialize(stream, typeInfo);
            if (value is null)
            {
                Error(file, "is empty");
            }

            return value;
        }
        catch (FileNotFoundException)
        {
            Error(file, "missing");
        }
        catch (DirectoryNotFoundException)
        {
            Error(file, "missing");
        }
        catch (JsonException ex)
        {
            Error(file, ex.Message);
        }

        return null;
    }
}
