using CrampCds.Core.Cards;
using CrampCds.Core.Cases;
using CrampCds.Core.Rules;

namespace CrampCds.Core.Tests;

/// <summary>The repository's own cds-cards, loaded once for tests (it is immutable).</summary>
public static class TestContent
{
    public static IReadOnlyList<IRule> Rules { get; } = RuleSet.Create();

    private static readonly Lazy<CardCatalog> LazyCatalog = new(() => CardCatalog.Load(CardsPath, Rules!));

    public static IEnumerable<string> RuleIds => Rules.Select(r => r.Id);

    public static CardCatalog Catalog => LazyCatalog.Value;

    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "CrampCds.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("CrampCds.sln not found above the test binaries");
        }
    }

    public static string CardsPath => Path.Combine(RepositoryRoot, "cds-cards");

    public static HookEvaluator Evaluator(params string[] disabled) => Evaluator(Catalog, disabled);

    /// <summary>An evaluator over other content (an edited <see cref="CardsCopy"/>), at the same fixed "now".</summary>
    public static HookEvaluator Evaluator(CardCatalog catalog, params string[] disabled) =>
        new(catalog, Rules, disabled, new FixedTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero)));

    /// <summary>The quinine-order card for <paramref name="drug"/>, rendered as the evaluator renders it (its texts not yet read).</summary>
    public static Card QuinineOrderCard(string drug) => CardRenderer.Render(
        new Finding { RuleId = "quinine-order", Values = RuleSupport.Values(("drug", drug)) },
        Catalog.Rules["quinine-order"],
        Catalog.Globals,
        new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero),
        new CardIds());
}
