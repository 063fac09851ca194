using CrampCds.Core.Cases;
using FluentAssertions;

namespace CrampCds.Core.Tests.Rules;

/// <summary>The baclofen dose card's wording where its limits are not the repository's.</summary>
public sealed class BaclofenDoseRuleTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    // 2 x 10 mg tablets twice a day: 40 mg/day, for an adult with an active leg-cramp diagnosis.
    private static readonly string Request = Requests.OrderHook(
        "order-sign",
        [Requests.CodedDraft("d1", Requests.BaclofenCoding, ""","dosageInstruction":[{"timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":2,"code":"{pill}"}}]}]""")],
        prefetch: """
            {"patient":{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-01-01"},"medicationRequests":null,"medicationStatements":null,"labs":null,
             "conditions":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"449918009"}]}}}]}}
            """);

    private readonly CardsCopy _copy = new();

    public void Dispose() => _copy.Dispose();

    [Fact]
    public void A_new_order_above_only_the_cramp_maximum_gets_the_safe_start_in_words_and_the_edited_limit()
    {
        // Starting limits above the cramp maximum: only the maximum (edited to 35 mg/day) is exceeded by a new order.
        _copy.Edit("rules/baclofen-dose.json", rule =>
        {
            var thresholds = rule["thresholds"]!.AsObject();
            thresholds["startMaxMgPerDay"] = 100;
            thresholds["crampStartMaxMgPerDay"] = 100;
            thresholds["olderAdultStartMaxMgPerDay"] = 100;
            thresholds["crampMaxMgPerDay"] = 35;
        });
        var catalog = _copy.Load();

        var card = CaseFile.Evaluate(Request, catalog, TestContent.Evaluator(catalog)).Cards.Single(c => c.RuleId == "baclofen-dose");

        card.Detail.Should().Contain("Limits exceeded: more than 35 mg/day for leg cramps.")
            .And.Contain("Safe start: baclofen 5 mg by mouth 2 times a day (10 mg/day).")
            .And.NotContain("{", "every placeholder is filled");
        card.Suggestions.Should().BeNull("no starting limit was exceeded, so the draft is not rewritten");
    }

    [Fact]
    public void The_same_order_under_the_repository_limits_names_the_cramp_start_and_maximum()
    {
        var card = CaseFile.Evaluate(Request, TestContent.Catalog, TestContent.Evaluator()).Cards.Single(c => c.RuleId == "baclofen-dose");

        card.Detail.Should().Contain("Limits exceeded: a starting dose above 10 mg/day for leg cramps; more than 30 mg/day for leg cramps.")
            .And.Contain("Safe start: baclofen 5 mg by mouth 2 times a day (10 mg/day).")
            .And.NotContain("{");
        card.Suggestions.Should().ContainSingle();
    }

    [Fact]
    public void A_patient_already_taking_baclofen_above_the_cramp_maximum_is_told_to_reduce_gradually_not_to_start_low()
    {
        var file = CaseFile.Load(Path.Combine(TestContent.CardsPath, "cases", "baclofen-dose", "in-continuing-40mg-with-cramps.json"));

        var card = file.Run(TestContent.Catalog, TestContent.Evaluator(), Now).Cards.Single(c => c.RuleId == "baclofen-dose");

        card.Detail.Should().Contain("Limits exceeded: more than 30 mg/day for leg cramps.")
            .And.Contain("Already taking baclofen: reduce the dose gradually")
            .And.NotContain("Safe start:")
            .And.NotContain("{");
        card.Suggestions.Should().BeNull("a continuing dose is not rewritten to a starting one");
    }
}
