using System.Collections.Frozen;
using System.Text.Json;
using CrampCds.Core.Data;
using CrampCds.Core.Facts;
using CrampCds.Core.Fhir;
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
        ReadOptions = new FhirReadOptions(code => labs.AnalyteOf(code) is not null)
        {
            Codes = FhirTokenReader.SharedValuesAnd(drugs.Codes.Concat(conditions.Codes).Concat(labs.Codes)),
        };
        Facts = facts;
        Globals = BuildGlobals(rules, facts);
        Services = services;
        ServicesById = services.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
        Rules = rules.ToFrozenDictionary(r => r.Key, r => WithGlobalsFilled(r.Value, Globals), StringComparer.Ordinal);
        Drugs = drugs;
        Conditions = conditions;
    }

    public IReadOnlyList<ServiceDefinition> Services { get; }
    public FrozenDictionary<string, ServiceDefinition> ServicesById { get; }
    public FrozenDictionary<string, RuleContent> Rules { get; }
    public DrugTerminology Drugs { get; }
    public ConditionTerminology Conditions { get; }
    public LabTerminology Labs { get; }

    /// <summary>How patient data is read: Observations of no analyte in <see cref="Labs"/> are kept as their code alone.</summary>
    public FhirReadOptions ReadOptions { get; }
    public FactsSettings Facts { get; }

    /// <summary>Values any card's wording may name: "{rule-id.threshold}" and "{facts.setting}", so text never repeats a number.</summary>
    public FrozenDictionary<string, string> Globals { get; }
    public RuleContent DataUnavailable => Rules[DataUnavailableId];

    /// <summary>Loads and validates the folder; throws <see cref="CardContentException"/> naming each bad file.</summary>
    public static CardCatalog Load(string directory, IEnumerable<IRule> ruleSet)
    {
        var (catalog, problems) = Lint(directory, ruleSet);
        var errors = problems.Where(p => p.IsError).ToList();
        if (catalog is null || errors.Count > 0)
        {
            throw new CardContentException(string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
        }

        return catalog;
    }

    /// <summary>Validates the folder and reports every problem with its file; the catalog is null when any is an error.</summary>
    public static (CardCatalog? Catalog, IReadOnlyList<ContentProblem> Problems) Lint(string directory, IEnumerable<IRule> ruleSet)
    {
        var check = new ContentChecker();
        if (!Directory.Exists(directory))
        {
            check.Error(directory, "the cds-cards folder does not exist (set CrampCds:Cards:Path)");
            return (null, check.Problems);
        }

        var servicesFile = Path.Combine(directory, "services.json");
        var services = check.Read(servicesFile, CardContentJsonContext.Default.ServicesFile);
        if (services is not null)
        {
            ValidateServices(services, servicesFile, check);
        }

        var ruleList = ruleSet.ToList();
        var expected = new HashSet<string>(ruleList.Select(r => r.Id), StringComparer.Ordinal) { DataUnavailableId };
        var rules = new Dictionary<string, RuleContent>(StringComparer.Ordinal);
        var rulesDirectory = Path.Combine(directory, "rules");
        var files = Directory.Exists(rulesDirectory) ? Directory.GetFiles(rulesDirectory, "*.json") : [];
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            if (check.Read(file, CardContentJsonContext.Default.RuleContent) is { } rule && ValidateRule(rule, file, expected, check))
            {
                rules[rule.Id] = rule;
            }
        }

        foreach (var id in expected.Order(StringComparer.Ordinal))
        {
            check.That(rules.ContainsKey(id) || files.Any(f => Path.GetFileNameWithoutExtension(f) == id), Path.Combine(rulesDirectory, id + ".json"), $"missing; rule '{id}' has no wording");
        }

        foreach (var rule in ruleList)
        {
            if (rules.TryGetValue(rule.Id, out var content))
            {
                ValidateRequirements(rule.Requires, content, Path.Combine(rulesDirectory, rule.Id + ".json"), check);
            }
        }

        var medicationsFile = Path.Combine(directory, "terminology", "medications.json");
        var medications = check.Read(medicationsFile, CardContentJsonContext.Default.MedicationsFile);
        var conditionsFile = Path.Combine(directory, "terminology", "conditions.json");
        var conditions = check.Read(conditionsFile, CardContentJsonContext.Default.ConditionsFile);
        var labsFile = Path.Combine(directory, "terminology", "labs.json");
        var labs = check.Read(labsFile, CardContentJsonContext.Default.LabsFile);
        if (medications is not null)
        {
            RequireIds(medications.Concepts.Select(c => c.Id), ConceptIds.RequiredDrugs, "concept", medicationsFile, check);
            var classIds = medications.Concepts.SelectMany(c => c.Classes).ToHashSet(StringComparer.Ordinal);
            RequireIds(classIds, ConceptIds.RequiredClasses, "class", medicationsFile, check);
            foreach (var rule in rules.Values)
            {
                foreach (var id in rule.Classes?.Keys ?? [])
                {
                    check.That(classIds.Contains(id), Path.Combine(rulesDirectory, rule.Id + ".json"), $"class '{id}' is not a class of any concept in {medicationsFile}");
                }
            }

            ValidateMedications(medications, medicationsFile, check);
        }

        if (conditions is not null)
        {
            RequireIds(conditions.Concepts.Select(c => c.Id), ConceptIds.RequiredConditions, "concept", conditionsFile, check);
        }

        if (labs is not null)
        {
            ValidateLabs(labs, labsFile, check);
        }

        var factsFile = Path.Combine(directory, "facts.json");
        var facts = check.Read(factsFile, CardContentJsonContext.Default.FactsSettings);
        if (facts is not null)
        {
            check.That(facts.EgfrSevereBelow < facts.EgfrModerateBelow, factsFile, "egfrSevereBelow must be below egfrModerateBelow");
            check.That(facts.AdultAgeYears < facts.OlderAdultAgeYears, factsFile, "adultAgeYears must be below olderAdultAgeYears");
            check.That(facts.CurrentLabDays > 0 && facts.RenalLookbackDays >= facts.CurrentLabDays, factsFile, "lab windows must be positive, renalLookbackDays at least currentLabDays");
            WarnUnreviewed(facts.Review, factsFile, check);
        }

        if (services is not null && labs is not null)
        {
            // The labs each template asks for are the labs the rules read.
            foreach (var code in labs.Analytes.SelectMany(a => a.Codes))
            {
                foreach (var service in services.Services)
                {
                    check.That(service.Prefetch.TryGetValue(PrefetchKeys.Labs, out var template) && template.Contains("|" + code.Code, StringComparison.Ordinal),
                        servicesFile, $"service '{service.Id}': the labs prefetch does not ask for LOINC {code.Code} ({labsFile} lists it)");
                }
            }
        }

        if (rules.TryGetValue(DataUnavailableId, out var dataCard))
        {
            var keys = PrefetchKeys.All.Select(PrefetchKeys.KeyOf).Concat(Enum.GetNames<DataGapReason>().Select(r => "reason." + r)).Append("checks.none");
            foreach (var key in keys)
            {
                check.That(dataCard.Labels?.ContainsKey(key) == true, Path.Combine(rulesDirectory, DataUnavailableId + ".json"), $"labels.{key} is missing; the data card needs it");
            }
        }

        if (facts is not null)
        {
            var globals = BuildGlobals(rules, facts);
            void NamesOnlyGlobals(IEnumerable<string> texts, string file, string where)
            {
                foreach (var name in texts.SelectMany(Placeholders).Where(n => n.Contains('.', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
                {
                    check.That(globals.ContainsKey(name), file, $"{where}{{{name}}} names no threshold or fact setting");
                }
            }

            foreach (var rule in rules.Values)
            {
                var texts = new[] { rule.Summary, rule.Detail }.Concat(rule.Labels?.Values ?? []).Concat((rule.Suggestions ?? []).SelectMany(s => new[] { s.Label, s.ActionDescription }));
                NamesOnlyGlobals(texts, Path.Combine(rulesDirectory, rule.Id + ".json"), "");
            }

            // A fact's wording is filled with the values its template is given, and settings: any other name would reach a card as it stands.
            foreach (var (section, templates) in new[] { ("renalBasis", facts.RenalBasis.Templates), ("valueWording", facts.ValueWording.Templates), ("doseProblems", facts.DoseProblems.Templates) })
            {
                foreach (var (name, template, given) in templates)
                {
                    // The deserializer lets an explicit null through a required member.
                    if ((string?)template is null)
                    {
                        check.Error(factsFile, $"{section}.{name} is missing");
                        continue;
                    }

                    NamesOnlyGlobals([template], factsFile, $"{section}.{name}: ");
                    foreach (var unknown in Placeholders(template).Where(n => !n.Contains('.', StringComparison.Ordinal) && !given.Contains(n, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal))
                    {
                        check.Error(factsFile, $"{section}.{name}: {{{unknown}}} is not given to it (it has {(given.Length == 0 ? "none" : string.Join(", ", given.Select(g => "{" + g + "}")))})");
                    }
                }
            }
        }

        if (check.HasErrors || services is null || medications is null || conditions is null || labs is null || facts is null)
        {
            return (null, check.Problems);
        }

        var catalog = new CardCatalog(
            services.Services,
            rules.ToFrozenDictionary(StringComparer.Ordinal),
            new DrugTerminology(medications),
            new ConditionTerminology(conditions.Concepts),
            new LabTerminology(labs),
            facts);
        return (catalog, check.Problems);
    }

    /// <summary>
    /// The rule's labels with the thresholds and fact settings they name filled in, once: a label a rule puts into a card
    /// as it stands then names nothing left to fill when the card is written. A label's own placeholders (filled by its
    /// rule) stay as written.
    /// </summary>
    private static RuleContent WithGlobalsFilled(RuleContent rule, IReadOnlyDictionary<string, string> globals)
    {
        if (rule.Labels is not { } labels || !labels.Values.Any(l => l.Contains('{', StringComparison.Ordinal)))
        {
            return rule;
        }

        return rule with { Labels = labels.ToFrozenDictionary(l => l.Key, l => CardRenderer.Fill(l.Value, globals), StringComparer.Ordinal) };
    }

    private static FrozenDictionary<string, string> BuildGlobals(IReadOnlyDictionary<string, RuleContent> rules, FactsSettings facts)
    {
        var globals = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["facts.adultAgeYears"] = NumberText.ThreeDecimals(facts.AdultAgeYears),
            ["facts.olderAdultAgeYears"] = NumberText.ThreeDecimals(facts.OlderAdultAgeYears),
            ["facts.currentLabDays"] = NumberText.ThreeDecimals(facts.CurrentLabDays),
            ["facts.renalLookbackDays"] = NumberText.ThreeDecimals(facts.RenalLookbackDays),
            ["facts.egfrSevereBelow"] = NumberText.ThreeDecimals(facts.EgfrSevereBelow),
            ["facts.egfrModerateBelow"] = NumberText.ThreeDecimals(facts.EgfrModerateBelow),
        };
        foreach (var rule in rules.Values)
        {
            foreach (var (name, value) in rule.Thresholds ?? new Dictionary<string, decimal>())
            {
                globals[$"{rule.Id}.{name}"] = NumberText.ThreeDecimals(value);
            }
        }

        return globals.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static void ValidateServices(ServicesFile file, string path, ContentChecker check)
    {
        var hooks = new[] { HookNames.PatientView, HookNames.OrderSelect, HookNames.OrderSign };
        var keys = PrefetchKeys.All.Select(PrefetchKeys.KeyOf).ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in file.Services)
        {
            check.That(ids.Add(service.Id), path, $"service id '{service.Id}' is listed twice");
            check.That(hooks.Contains(service.Hook), path, $"service '{service.Id}': unknown hook '{service.Hook}'");
            check.That(!string.IsNullOrWhiteSpace(service.Description), path, $"service '{service.Id}': description is empty");
            foreach (var (key, template) in service.Prefetch)
            {
                check.That(keys.Contains(key), path, $"service '{service.Id}': unknown prefetch key '{key}' (known: {string.Join(", ", keys)})");
                check.That(TokensAreContextFields(template), path, $"service '{service.Id}': prefetch '{key}' may use only {{{{context.x}}}} tokens");
            }

            foreach (var key in keys)
            {
                check.That(service.Prefetch.ContainsKey(key), path, $"service '{service.Id}': prefetch key '{key}' is missing");
            }
        }

        foreach (var hook in hooks)
        {
            check.That(file.Services.Any(s => s.Hook == hook), path, $"no service answers '{hook}'");
        }
    }

    private static bool ValidateRule(RuleContent rule, string file, HashSet<string> expected, ContentChecker check)
    {
        var before = check.ErrorCount;
        var name = Path.GetFileNameWithoutExtension(file);
        check.That(rule.Id == name, file, $"id '{rule.Id}' must match the file name '{name}'");
        check.That(expected.Contains(rule.Id), file, $"no rule '{rule.Id}' exists in the service (known: {string.Join(", ", expected.Order(StringComparer.Ordinal))})");
        check.That(Indicators.Contains(rule.Indicator), file, $"indicator '{rule.Indicator}' must be info, warning or critical");
        check.That(!string.IsNullOrWhiteSpace(rule.Summary), file, "summary is empty");
        check.That(rule.Summary.Length < 140, file, $"summary is {rule.Summary.Length} characters; CDS Hooks allows fewer than 140");
        check.That(!string.IsNullOrWhiteSpace(rule.Version), file, "version is empty");
        check.That(!string.IsNullOrWhiteSpace(rule.Source.Label), file, "source.label is empty");
        check.That(rule.Source.Url is null || IsWebUrl(rule.Source.Url), file, "source.url must be an absolute http(s) URL");
        foreach (var link in rule.Links ?? [])
        {
            check.That(link.Type is "absolute" or "smart", file, $"link '{link.Label}': type must be absolute or smart");
            check.That(IsWebUrl(link.Url), file, $"link '{link.Label}': url must be an absolute http(s) URL");
        }

        foreach (var reason in rule.OverrideReasons ?? [])
        {
            check.That(!string.IsNullOrWhiteSpace(reason.Code) && !string.IsNullOrWhiteSpace(reason.Display), file, "every override reason needs a code and a display");
        }

        if (rule.Indicator is "warning" or "critical")
        {
            check.That(rule.OverrideReasons is { Count: > 0 }, file, $"a {rule.Indicator} card needs overrideReasons");
        }

        foreach (var suggestion in rule.Suggestions ?? [])
        {
            check.That(ActionTypes.Contains(suggestion.ActionType), file, $"suggestion '{suggestion.Id}': actionType must be one of {string.Join(", ", ActionTypes)}");
            check.That(!string.IsNullOrWhiteSpace(suggestion.Label), file, $"suggestion '{suggestion.Id}': label is empty");
        }

        if (rule.Suggestions is { Count: > 0 })
        {
            check.That(rule.SelectionBehavior is not null && SelectionBehaviors.Contains(rule.SelectionBehavior), file, "selectionBehavior must be at-most-one or any when there are suggestions");
        }

        foreach (var code in rule.SnoozeReasons ?? [])
        {
            check.That(rule.OverrideReasons?.Any(r => r.Code == code) == true, file, $"snooze reason '{code}' is not one of the card's override reasons");
            check.That(rule.Indicator != "critical", file, "a critical card is never snoozed");
        }

        WarnUnreviewed(rule.Review, file, check);
        return check.ErrorCount == before;
    }

    private static void WarnUnreviewed(ReviewRecord review, string file, ContentChecker check)
    {
        if (string.IsNullOrWhiteSpace(review.Reviewer) || string.IsNullOrWhiteSpace(review.Date))
        {
            check.Warning(file, "not clinically reviewed yet: fill review.reviewer and review.date");
        }
    }

    private static void ValidateRequirements(RuleRequirements requires, RuleContent rule, string file, ContentChecker check)
    {
        foreach (var name in requires.Thresholds)
        {
            check.That(rule.Thresholds?.ContainsKey(name) == true, file, $"thresholds.{name} is missing; the rule needs it");
        }

        foreach (var name in requires.UnitThresholds)
        {
            if (!check.That(rule.UnitThresholds?.TryGetValue(name, out var limits) == true && limits.Count > 0, file, $"unitThresholds.{name} is missing; the rule needs it"))
            {
                continue;
            }

            foreach (var unit in rule.UnitThresholds![name].Keys)
            {
                check.That(LabUnits.Parse(unit) != LabUnit.Unknown, file, $"unitThresholds.{name}: unknown unit '{unit}'");
            }
        }

        foreach (var id in requires.Suggestions)
        {
            check.That(rule.Suggestions?.Any(s => s.Id == id) == true, file, $"suggestion '{id}' is missing; the rule offers it");
        }

        foreach (var name in requires.Labels)
        {
            check.That(rule.Labels?.ContainsKey(name) == true, file, $"labels.{name} is missing; the rule needs it");
        }

        check.That(!requires.Classes || rule.Classes is { Count: > 0 }, file, "classes are missing; the rule reports on them");
        check.That(!requires.Product || rule.Product is not null, file, "product is missing; the rule suggests it");
        foreach (var analyte in requires.LabOrders)
        {
            check.That(rule.LabOrders?.ContainsKey(analyte) == true, file, $"labOrders.{analyte} is missing; the rule suggests ordering it");
        }

        foreach (var (id, drugClass) in rule.Classes ?? new Dictionary<string, DrugClassContent>())
        {
            check.That(Indicators.Contains(drugClass.Indicator), file, $"class '{id}': indicator must be info, warning or critical");
        }
    }

    private static void ValidateMedications(MedicationsFile medications, string file, ContentChecker check)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var concept in medications.Concepts)
        {
            check.That(ids.Add(concept.Id), file, $"concept '{concept.Id}' is listed twice");
            foreach (var route in (concept.ExcludeRoutes ?? []).Concat(concept.RequireRoutes ?? []))
            {
                check.That(medications.Routes.ContainsKey(route), file, $"concept '{concept.Id}': unknown route '{route}'");
            }

            foreach (var product in concept.Products ?? [])
            {
                check.That(product.Strength is null || Strength.Parse(product.Strength) is not null, file, $"product {product.Code}: strength '{product.Strength}' is not 'N MG' or 'N MG/ML'");
            }

            foreach (var entry in (concept.Ingredients ?? []).Concat(concept.Products ?? []).Concat(concept.Atc ?? []))
            {
                check.That(!entry.Source.Contains("UNVERIFIED", StringComparison.OrdinalIgnoreCase), file, $"code {entry.Code}: an UNVERIFIED code may not be a trigger");
            }
        }
    }

    private static void ValidateLabs(LabsFile labs, string file, ContentChecker check)
    {
        var analytes = labs.Analytes.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "potassium", "magnesium", "creatinine", "egfr" })
        {
            check.That(analytes.Contains(required), file, $"analyte '{required}' is missing; the rules need it");
        }

        foreach (var code in labs.Analytes.SelectMany(a => a.Codes))
        {
            check.That(LabUnits.Parse(code.Unit) != LabUnit.Unknown, file, $"LOINC {code.Code}: unit '{code.Unit}' is not one the service converts");
        }
    }

    private static void RequireIds(IEnumerable<string> present, IReadOnlyList<string> required, string kind, string file, ContentChecker check)
    {
        var ids = present.ToHashSet(StringComparer.Ordinal);
        foreach (var id in required)
        {
            check.That(ids.Contains(id), file, $"{kind} '{id}' is missing; the rules need it");
        }
    }

    private static IEnumerable<string> Placeholders(string text)
    {
        var position = 0;
        while ((position = text.IndexOf('{', position)) >= 0)
        {
            var close = text.IndexOf('}', position);
            if (close < 0)
            {
                yield break;
            }

            yield return text.Substring(position + 1, close - position - 1);
            position = close + 1;
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
}
