using CrampCds.Core.Fhir;
using CrampCds.Core.Terminology;
using FluentAssertions;

namespace CrampCds.Core.Tests.Terminology;

public class DrugTerminologyTests
{
    private static DrugTerminology Drugs => TestContent.Catalog.Drugs;

    private static CodeableConcept Named(string text) => new() { Text = text };

    private static Dosage By(string route) => new() { Route = new CodeableConcept { Text = route } };

    [Fact]
    public void An_rxnorm_product_is_its_one_concept_by_code_and_by_name()
    {
        var coded = new CodeableConcept
        {
            Coding = [new Coding { System = "http://www.nlm.nih.gov/research/umls/rxnorm", Code = "197391", Display = "Baclofen 10 MG Oral Tablet" }],
        };

        Drugs.Identify([coded], null).Should().BeEquivalentTo(["baclofen"]);
        Drugs.Identify([Named("baclofen 10 mg tablet")], null).Should().BeEquivalentTo(["baclofen"]);
    }

    [Fact]
    public void A_medication_no_concept_names_is_nothing()
    {
        Drugs.Identify([Named("amoxicillin 500 MG Oral Capsule")], [By("oral")]).Should().BeEmpty();
    }

    [Fact]
    public void A_route_the_concept_excludes_or_does_not_require_leaves_nothing()
    {
        Drugs.Identify([Named("baclofen 2000 MCG/ML")], [By("Intrathecal")]).Should().BeEmpty();
        Drugs.Identify([Named("diazepam 5 MG/ML Injectable Solution")], [By("intravenous")]).Should().BeEmpty();
        Drugs.Identify([Named("diazepam 5 MG Oral Tablet")], null).Should().BeEquivalentTo(["diazepam"]);
    }

    [Fact]
    public void Without_a_dosage_route_the_product_names_reveal_it_from_the_text_or_from_a_display()
    {
        static CodeableConcept Product(string display, string text) => new()
        {
            Text = text,
            Coding = [new Coding { System = "http://www.nlm.nih.gov/research/umls/rxnorm", Display = display }],
        };

        Drugs.Identify([Product("Baclofen 2 MG/ML", "baclofen 2 mg/ml intrathecal")], null).Should().BeEmpty("the text names the route");
        Drugs.Identify([Product("Baclofen 2 MG/ML Injection", "baclofen 2 mg/ml")], null).Should().BeEmpty("the display names the route");
        Drugs.Identify([Product("Baclofen 2 MG/ML Injection", "Baclofen 2 MG/ML Injection")], null).Should().BeEmpty("a text repeating the display names the same route");
        Drugs.Identify([Product("Baclofen 10 MG Oral Tablet", "Baclofen 10 MG Oral Tablet")], null).Should().BeEquivalentTo(["baclofen"]);
    }

    [Fact]
    public void A_combination_is_every_ingredient_concept()
    {
        Drugs.Identify([Named("triamterene 37.5 MG / hydrochlorothiazide 25 MG Oral Tablet")], null)
            .Should().BeEquivalentTo(["other-potassium-sparing-diuretic", "hydrochlorothiazide"]);
    }

    [Fact]
    public void A_combination_keeps_only_the_ingredients_its_route_admits()
    {
        // Dexamethasone excludes topical use; hydrochlorothiazide names no route rule.
        Drugs.Identify([Named("dexamethasone / hydrochlorothiazide")], [By("topical")]).Should().BeEquivalentTo(["hydrochlorothiazide"]);
        Drugs.Identify([Named("dexamethasone / hydrochlorothiazide")], [By("oral")]).Should().BeEquivalentTo(["dexamethasone", "hydrochlorothiazide"]);
    }

    [Fact]
    public void Codes_and_names_naming_the_same_concept_count_once()
    {
        var both = new CodeableConcept
        {
            Text = "Baclofen (Lioresal) 10 mg",
            Coding = [new Coding { System = "http://www.nlm.nih.gov/research/umls/rxnorm", Code = "197391", Display = "baclofen 10 MG Oral Tablet" }],
        };

        Drugs.Identify([both, Named("baclofen")], [By("oral")]).Should().ContainSingle().Which.Should().Be("baclofen");
    }
}
