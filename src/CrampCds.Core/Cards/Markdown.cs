using System.Buffers;
using System.Text;

namespace CrampCds.Core.Cards;

/// <summary>Text from orders and labs (free text included) placed in a card's Markdown detail.</summary>
public static class Markdown
{
    private static readonly SearchValues<char> Special = SearchValues.Create("\\`*_[]#|~<>\r\n");

    /// <summary>Escapes the characters Markdown (and the raw HTML some EHRs render) would interpret.</summary>
    public static string Escape(string text)
    {
        // Most values (drug names, numbers, units) need nothing: no copy for them.
        if (!text.AsSpan().ContainsAny(Special))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\' or '`' or '*' or '_' or '[' or ']' or '#' or '|' or '~':
                    escaped.Append('\\').Append(c);
                    break;
                case '<':
                    escaped.Append("&lt;");
                    break;
                case '>':
                    escaped.Append("&gt;");
                    break;
                case '\r' or '\n':
                    escaped.Append(' ');
                    break;
                default:
                    escaped.Append(c);
                    break;
            }
        }

        return escaped.ToString();
    }
}
