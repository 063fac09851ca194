using CrampCds.Core.Rules;

namespace CrampCds.Cli;

/// <summary>A readable summary of an answer: one block per card.</summary>
internal static class CardPrinter
{
    public static void Print(HookResult result, TextWriter output)
    {
        if (result.PreconditionFailed)
        {
            output.WriteLine("412: no patient data readable");
            return;
        }

        output.WriteLine(result.Cards.Count == 1 ? "1 card" : $"{result.Cards.Count} cards");
        foreach (var card in result.Cards)
        {
            output.WriteLine();
            output.WriteLine($"[{card.Indicator}] {card.RuleId}: {card.Summary}");
            foreach (var line in (card.Detail ?? "").Split('\n'))
            {
                output.WriteLine("    " + line);
            }

            foreach (var suggestion in card.Suggestions ?? [])
            {
                output.WriteLine($"    suggestion: {suggestion.Label} ({string.Join(", ", (suggestion.Actions ?? []).Select(a => a.Type))})");
            }
        }
    }
}
