namespace CrampCds.Core.Cards;

/// <summary>
/// A card text from cds-cards split once into literal runs and <c>{name}</c> placeholders, so rendering a card
/// scans no text and cuts no substrings: it appends the runs and the named values into one buffer.
/// </summary>
public sealed class Template
{
    private Template(string text, Segment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The text as written in cds-cards.</summary>
    public string Text { get; }

    internal Segment[] Segments { get; }

    /// <summary>True when the text names no value: it renders as written.</summary>
    public bool IsLiteral => Segments is [] or [{ Name: null }];

    /// <summary>Splits <paramref name="text"/>; a <c>{</c> without its <c>}</c> stays literal, as <see cref="CardRenderer.Fill"/> leaves it.</summary>
    public static Template Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<Segment>();
        for (var position = 0; position < text.Length;)
        {
            var (literal, placeholder) = Next(text, position);
            if (literal > 0)
            {
                segments.Add(new Segment(position, literal, null));
                position += literal;
            }

            if (placeholder > 0)
            {
                segments.Add(new Segment(position, placeholder, text.Substring(position + 1, placeholder - 2)));
                position += placeholder;
            }
        }

        return new Template(text, [.. segments]);
    }

    /// <summary>
    /// From <paramref name="position"/>: the length of the literal text up to the next complete <c>{name}</c>, then that
    /// placeholder's length (0 when none follows, and the literal runs to the end). The one definition of the placeholder
    /// syntax, for parsed templates and one-off fills alike; each brace is searched for once.
    /// </summary>
    internal static (int Literal, int Placeholder) Next(string text, int position)
    {
        var open = text.IndexOf('{', position);
        var close = open < 0 ? -1 : text.IndexOf('}', open + 1);
        return close < 0 ? (text.Length - position, 0) : (open - position, close - open + 1);
    }

    public override string ToString() => Text;

    /// <summary>A run of <see cref="Text"/>; <see cref="Name"/> is set for a placeholder (the run is then "{name}").</summary>
    internal readonly record struct Segment(int Start, int Length, string? Name);
}
