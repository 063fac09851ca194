using System.Collections.Frozen;
using System.Text.Json;
using CrampCds.Core.Data;
using CrampCds.Core.Hooks;
using CrampCds.Core.Rules;
using CrampCds.Core.Terminology;

namespace CrampCds.Core.Cards;

/// <summary>A cds-cards file that cannot be used; the message names the file and the problem.</summary>
public sealed class CardContentException : Exception
{
    public CardContentException()
    {
    }

    public CardContentException(string message)
        : base(message)
    {
    }

    public CardContentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The clinical content, loaded and checked once at start-up from the cds-cards folder: services,
/// rule wording and terminology. Immutable afterwards.
/// </summary>
public sealed class CardCatalog
{
    public const string DataUnavailableId = "data-unavailable";
    private static readonly string[] Indicators = ["info", "warning", "critical"];
    private static readonly string[] ActionTypes = ["delete", "update", "create"];
    private static readonly string[] SelectionBehaviors = ["at-most-one", "any"];

    private CardCatalog(
        IReadOnlyList<ServiceDefinition> services,
        FrozenDictionary<string, RuleContent> rules,
        DrugTerminology drugs,
        ConditionTerminology conditions,
        LabTerminology labs,
        FactsSettings facts)
    {
        Labs = labs;
        Facts = facts;
        Services = services;
        ServicesById = services.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        Rules = rules;
        Drugs = drugs;
        Conditions = conditions;
    }

    public IReadOnlyList<ServiceDefinition> Services { get; }
    public FrozenDictionary<string, ServiceDefinition> ServicesById { get; }
    public FrozenDictionary<string, RuleContent> Rules { get; }
    public DrugTerminology Drugs { get; }
    public ConditionTerminology Conditions { get; }
    public LabTerminology Labs { get; }
    public FactsSettings Facts { get; }
    public RuleContent DataUnavailable => Rules[DataUnavailableId];

    /// <summary>Loads and validates the folder; throws <see cref="CardContentException"/> naming the bad file.</summary>
    public static CardCatalog Load(string directory, IEnumerable<IRule> ruleSet)
    {
        if (!Directory.Exists(directory))
        {
            throw new CardContentException($"cds-cards folder '{directory}' does not exist (set CrampCds:Cards:Path)");
        }

        var services = Read(Path.Combine(directory, "services.json"), CardContentJsonContext.Default.ServicesFile);
        ValidateServices(services, Path.Combine(directory, "services.json"));

        var ruleList = ruleSet.ToList();
        var expected = new HashSet<string>(ruleList.Select(r => r.Id), StringComparer.Ordinal) { DataUnavailableId };
        var rules = new Dictionary<string, RuleContent>(StringComparer.Ordinal);
        var rulesDirectory = Path.Combine(directory, "rules");
        var files = Directory.Exists(rulesDirectory) ? Directory.GetFiles(rulesDirectory, "*.json") : [];
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            var rule = Read(file, CardContentJsonContext.Default.RuleContent);
            ValidateRule(rule, file, expected);
            rules[rule.Id] = rule;
        }

        foreach (var id in expected)
        {
            if (!rules.ContainsKey(id))
            {
                throw new CardContentException($"{Path.Combine(rulesDirectory, id + ".json")}: missing; rule '{id}' has no wording");
            }
        }

        foreach (var rule in ruleList)
        {
            ValidateRequirements(rule.Requires, rules[rule.Id], Path.Combine(rulesDirectory, rule.Id + ".json"));
        }

        var medicationsFile = Path.Combine(directory, "terminology", "medications.json");
        var medications = Read(medicationsFile, CardContentJsonContext.Default.MedicationsFile);
        RequireConcepts(medications.Concepts.Select(c => c.Id), [ConceptIds.Quinine], medicationsFile);

        var conditionsFile = Path.Combine(directory, "terminology", "conditions.json");
        var conditions = Read(conditionsFile, CardContentJsonContext.Default.ConditionsFile);
        RequireConcepts(conditions.Concepts.Select(c => c.Id), [ConceptIds.Malaria, ConceptIds.Babesiosis], conditionsFile);

        var classIds = medications.Concepts.SelectMany(c => c.Classes).ToHashSet(StringComparer.Ordinal);
        foreach (var rule in rules.Values)
        {
            foreach (var id in rule.Classes?.Keys ?? [])
            {
                Check(classIds.Contains(id), Path.Combine(rulesDirectory, rule.Id + ".json"), $"class '{id}' is not a class of any concept in {medicationsFile}");
            }
        }

        var labsFile = Path.Combine(directory, "terminology", "labs.json");
        var labs = Read(labsFile, CardContentJsonContext.Default.LabsFile);
        ValidateTerminology(medications, medicationsFile, labs, labsFile);

        var factsFile = Path.Combine(directory, "facts.json");
        var facts = Read(factsFile, CardContentJsonContext.Default.FactsSettings);
        Check(facts.EgfrSevereBelow < facts.EgfrModerateBelow, factsFile, "egfrSevereBelow must be below egfrModerateBelow");
        Check(facts.AdultAgeYears < facts.OlderAdultAgeYears, factsFile, "adultAgeYears must be below olderAdultAgeYears");
        Check(facts.CurrentLabDays > 0 && facts.RenalLookbackDays >= facts.CurrentLabDays, factsFile, "lab windows must be positive, renalLookbackDays at least currentLabDays");

        return new CardCatalog(
            services.Services,
            rules.ToFrozenDictionary(StringComparer.Ordinal),
            new DrugTerminology(medications),
            new ConditionTerminology(conditions.Concepts),
            new LabTerminology(labs),
            facts);
    }

    private static T Read<T>(string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return JsonSerializer.Deserialize(stream, typeInfo) ?? throw new CardContentException($"{file}: is empty");
        }
        catch (FileNotFoundException)
        {
            throw new CardContentException($"{file}: missing");
        }
        catch (JsonException ex)
        {
            throw new CardContentException($"{file}: {ex.Message}", ex);
        }
    }

    private static void ValidateServices(ServicesFile file, string path)
    {
        var hooks = new[] { HookNames.PatientView, HookNames.OrderSelect, HookNames.OrderSign };
        var keys = PrefetchKeys.All.Select(PrefetchKeys.KeyOf).ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in file.Services)
        {
            Check(ids.Add(service.Id), path, $"service id '{service.Id}' is listed twice");
            Check(hooks.Contains(service.Hook), path, $"service '{service.Id}': unknown hook '{service.Hook}'");
            Check(!string.IsNullOrWhiteSpace(service.Description), path, $"service '{service.Id}': description is empty");
            foreach (var (key, template) in service.Prefetch)
            {
                Check(keys.Contains(key), path, $"service '{service.Id}': unknown prefetch key '{key}' (known: {string.Join(", ", keys)})");
                Check(TokensAreContextFields(template), path, $"service '{service.Id}': prefetch '{key}' may use only {{{{context.x}}}} tokens");
            }

            foreach (var key in keys)
            {
                Check(service.Prefetch.ContainsKey(key), path, $"service '{service.Id}': prefetch key '{key}' is missing");
            }
        }

        foreach (var hook in hooks)
        {
            Check(file.Services.Any(s => s.Hook == hook), path, $"no service answers '{hook}'");
        }
    }

    private static void ValidateRule(RuleContent rule, string file, HashSet<string> expected)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        Check(rule.Id == name, file, $"id '{rule.Id}' must match the file name '{name}'");
        Check(expected.Contains(rule.Id), file, $"no rule '{rule.Id}' exists in the service (known: {string.Join(", ", expected.Order(StringComparer.Ordinal))})");
        Check(Indicators.Contains(rule.Indicator), file, $"indicator '{rule.Indicator}' must be info, warning or critical");
        Check(!string.IsNullOrWhiteSpace(rule.Summary), file, "summary is empty");
        Check(rule.Summary.Length < 140, file, $"summary is {rule.Summary.Length} characters; CDS Hooks allows fewer than 140");
        Check(!string.IsNullOrWhiteSpace(rule.Version), file, "version is empty");
        Check(!string.IsNullOrWhiteSpace(rule.Source.Label), file, "source.label is empty");
        Check(rule.Source.Url is null || IsWebUrl(rule.Source.Url), file, "source.url must be an absolute http(s) URL");
        foreach (var link in rule.Links ?? [])
        {
            Check(link.Type is "absolute" or "smart", file, $"link '{link.Label}': type must be absolute or smart");
            Check(IsWebUrl(link.Url), file, $"link '{link.Label}': url must be an absolute http(s) URL");
        }

        foreach (var reason in rule.OverrideReasons ?? [])
        {
            Check(!string.IsNullOrWhiteSpace(reason.Code) && !string.IsNullOrWhiteSpace(reason.Display), file, "every override reason needs a code and a display");
        }

        if (rule.Indicator is "warning" or "critical")
        {
            Check(rule.OverrideReasons is { Count: > 0 }, file, $"a {rule.Indicator} card needs overrideReasons");
        }

        foreach (var suggestion in rule.Suggestions ?? [])
        {
            Check(ActionTypes.Contains(suggestion.ActionType), file, $"suggestion '{suggestion.Id}': actionType must be one of {string.Join(", ", ActionTypes)}");
            Check(!string.IsNullOrWhiteSpace(suggestion.Label), file, $"suggestion '{suggestion.Id}': label is empty");
        }

        if (rule.Suggestions is { Count: > 0 })
        {
            Check(rule.SelectionBehavior is not null && SelectionBehaviors.Contains(rule.SelectionBehavior), file, "selectionBehavior must be at-most-one or any when there are suggestions");
        }
    }

    private static void ValidateRequirements(RuleRequirements requires, RuleContent rule, string file)
    {
        foreach (var name in requires.Thresholds)
        {
            Check(rule.Thresholds?.ContainsKey(name) == true, file, $"thresholds.{name} is missing; the rule needs it");
        }

        foreach (var name in requires.UnitThresholds)
        {
            Check(rule.UnitThresholds?.TryGetValue(name, out var limits) == true && limits.Count > 0, file, $"unitThresholds.{name} is missing; the rule needs it");
            foreach (var unit in rule.UnitThresholds![name].Keys)
            {
                Check(CrampCds.Core.Facts.LabUnits.Parse(unit) != CrampCds.Core.Facts.LabUnit.Unknown, file, $"unitThresholds.{name}: unknown unit '{unit}'");
            }
        }

        foreach (var id in requires.Suggestions)
        {
            Check(rule.Suggestions?.Any(s => s.Id == id) == true, file, $"suggestion '{id}' is missing; the rule offers it");
        }

        foreach (var name in requires.Labels)
        {
            Check(rule.Labels?.ContainsKey(name) == true, file, $"labels.{name} is missing; the rule needs it");
        }

        Check(!requires.Classes || rule.Classes is { Count: > 0 }, file, "classes are missing; the rule reports on them");
        Check(!requires.Product || rule.Product is not null, file, "product is missing; the rule suggests it");
        foreach (var analyte in requires.LabOrders)
        {
            Check(rule.LabOrders?.ContainsKey(analyte) == true, file, $"labOrders.{analyte} is missing; the rule suggests ordering it");
        }

        foreach (var (id, drugClass) in rule.Classes ?? new Dictionary<string, DrugClassContent>())
        {
            Check(Indicators.Contains(drugClass.Indicator), file, $"class '{id}': indicator must be info, warning or critical");
        }
    }

    private static void ValidateTerminology(MedicationsFile medications, string medicationsFile, LabsFile labs, string labsFile)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var concept in medications.Concepts)
        {
            Check(ids.Add(concept.Id), medicationsFile, $"concept '{concept.Id}' is listed twice");
            foreach (var route in (concept.ExcludeRoutes ?? []).Concat(concept.RequireRoutes ?? []))
            {
                Check(medications.Routes.ContainsKey(route), medicationsFile, $"concept '{concept.Id}': unknown route '{route}'");
            }

            foreach (var product in concept.Products ?? [])
            {
                Check(product.Strength is null || CrampCds.Core.Facts.Strength.Parse(product.Strength) is not null, medicationsFile, $"product {product.Code}: strength '{product.Strength}' is not 'N MG' or 'N MG/ML'");
            }
        }

        var analytes = labs.Analytes.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "potassium", "magnesium", "creatinine", "egfr" })
        {
            Check(analytes.Contains(required), labsFile, $"analyte '{required}' is missing; the rules need it");
        }

        foreach (var code in labs.Analytes.SelectMany(a => a.Codes))
        {
            Check(CrampCds.Core.Facts.LabUnits.Parse(code.Unit) != CrampCds.Core.Facts.LabUnit.Unknown, labsFile, $"LOINC {code.Code}: unit '{code.Unit}' is not one the service converts");
        }
    }

    private static void RequireConcepts(IEnumerable<string> present, string[] required, string file)
    {
        var ids = present.ToHashSet(StringComparer.Ordinal);
        foreach (var id in required)
        {
            Check(ids.Contains(id), file, $"concept '{id}' is missing; the rules need it");
        }
    }

    private static bool TokensAreContextFields(string template)
    {
        var position = 0;
        while ((position = template.IndexOf("{{", position, StringComparison.Ordinal)) >= 0)
        {
            var close = template.IndexOf("}}", position, StringComparison.Ordinal);
            if (close < 0 || !template.AsSpan(position + 2, close - position - 2).Trim().StartsWith("context.", StringComparison.Ordinal))
            {
                return false;
            }

            position = close + 2;
        }

        return true;
    }

    private static bool IsWebUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static void Check(bool condition, string file, string message)
    {
        if (!condition)
        {
            throw new CardContentException($"{file}: {message}");
        }
    }
}
