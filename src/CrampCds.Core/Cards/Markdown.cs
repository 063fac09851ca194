using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace CrampCds.Core.Cards;

/// <summary>Text from orders and labs (free text included) placed in a card's Markdown detail.</summary>
public static class Markdown
{
    private static readonly SearchValues<char> Special = SearchValues.Create("\\`*_[]#|~<>\r\n");

    /// <summary>Escapes the characters Markdown (and the raw HTML some EHRs render) would interpret.</summary>
    [SkipLocalsInit]
    public static string Escape(string text)
    {
        // Most values (drug names, numbers, units) need nothing: no copy for them.
        if (!text.AsSpan().ContainsAny(Special))
        {
            return text;
        }

        var escaped = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        AppendEscaped(ref escaped, text);
        return escaped.ToStringAndClear();
    }

    /// <summary>Appends <paramref name="text"/> escaped as <see cref="Escape"/> does, without an intermediate string.</summary>
    internal static void AppendEscaped(ref DefaultInterpolatedStringHandler target, scoped ReadOnlySpan<char> text)
    {
        while (true)
        {
            var special = text.IndexOfAny(Special);
            if (special < 0)
            {
                target.AppendFormatted(text);
                return;
            }

            target.AppendFormatted(text[..special]);
            var c = text[special];
            switch (c)
            {
                case '<':
                    target.AppendLiteral("&lt;");
                    break;
                case '>':
                    target.AppendLiteral("&gt;");
                    break;
                case '\r' or '\n':
                    target.AppendLiteral(" ");
                    break;
                default:
                    target.AppendFormatted('\\');
                    target.AppendFormatted(c);
                    break;
            }

            text = text[(special + 1)..];
        }
    }
}
