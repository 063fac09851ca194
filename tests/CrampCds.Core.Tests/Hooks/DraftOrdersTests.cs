using CrampCds.Core.Fhir;
using CrampCds.Core.Hooks;
using FluentAssertions;

namespace CrampCds.Core.Tests.Hooks;

public class DraftOrdersTests
{
    [Fact]
    public void Order_select_judges_the_selected_drafts_in_draft_order_and_order_sign_every_draft()
    {
        var drafts = new[] { Requests.CodedDraft("q1", Requests.QuinineCoding), Requests.CodedDraft("b1", Requests.BaclofenCoding), Requests.CodedDraft("x", Requests.QuinineCoding) };

        var select = Requests.Parse(Requests.OrderHook(HookNames.OrderSelect, drafts, ["MedicationRequest/b1", "MedicationRequest/q1"]), HookNames.OrderSelect);
        var sign = Requests.Parse(Requests.OrderHook(HookNames.OrderSign, drafts), HookNames.OrderSign);

        DraftOrders.Judged(select).Select(d => d.Id).Should().Equal("q1", "b1");
        DraftOrders.Judged(sign).Select(d => d.Id).Should().Equal("q1", "b1", "x");
    }

    [Fact]
    public void A_draft_names_a_medication_by_a_reference_a_code_or_a_text()
    {
        static MedicationRequest Coded(params string?[] codes) =>
            new() { MedicationCodeableConcept = new CodeableConcept { Coding = [.. codes.Select(c => new Coding { Code = c })] } };

        DraftOrders.HasMedication(new MedicationRequest()).Should().BeFalse("the sandbox fires on an empty order form");
        DraftOrders.HasMedication(Coded(null, " ")).Should().BeFalse();
        DraftOrders.HasMedication(Coded(" ", "197391")).Should().BeTrue();
        DraftOrders.HasMedication(new MedicationRequest { MedicationCodeableConcept = new CodeableConcept { Text = "baclofen" } }).Should().BeTrue();
        DraftOrders.HasMedication(new MedicationRequest { MedicationReference = new ResourceReference { Reference = "Medication/m1" } }).Should().BeTrue();
        DraftOrders.HasMedication(new MedicationRequest { MedicationReference = new ResourceReference { Reference = "" } }).Should().BeFalse();
    }
}
