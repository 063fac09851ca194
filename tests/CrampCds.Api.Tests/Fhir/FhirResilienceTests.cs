using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FluentAssertions;
using Microsoft.AspNetCore.Http;

namespace CrampCds.Api.Tests.Fhir;

/// <summary>
/// The deadline tests run on their own, after the parallel ones: on a small, busy machine, other tests' CPU and
/// thread-pool use can delay timers by seconds, and what is measured here is the service, not the neighbours.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeadlineTests
{
    public const string Name = "deadlines";
}

/// <summary>
/// Issue 5: whatever the FHIR server does (stalls, flaps, errs, rate-limits, resets, talks nonsense, pages forever,
/// is down), an order-sign call is answered 200 within CrampCds:Fhir:TimeoutMs plus a generous margin, the quinine
/// order is flagged from the draft alone, and one info card names what could not be read. Transient failures get one
/// retry while the deadline allows; a server that keeps failing trips its circuit breaker and is then not waited on.
/// These are deadline tests, not benchmarks: the margin is generous.
/// </summary>
[Collection(DeadlineTests.Name)]
public sealed class FhirResilienceTests
{
    private const string Token = "tok-resilience-5";
    private const int BudgetMs = 800;

    /// <summary>Budget plus a generous margin for a loaded test machine.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(3);

    private static CrampCdsApplication App(FhirStub stub, params (string Key, string? Value)[] settings) => App(stub.BaseUrl, settings);

    private static CrampCdsApplication App(Uri server, params (string Key, string? Value)[] settings) =>
        new(server, [("CrampCds:Fhir:TimeoutMs", BudgetMs.ToString(CultureInfo.InvariantCulture)), .. settings]);

    /// <summary>An order-sign call for a quinine draft with these prefetch keys absent (so they are fetched), timed.</summary>
    private static async Task<(IReadOnlyList<JsonObject> Cards, TimeSpan Elapsed)> SignQuinineAsync(HttpClient client, Uri server, params string[] absent)
    {
        var call = HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(server, Token).WithPrefetchExcept(absent);
        var clock = Stopwatch.StartNew();
        using var response = await call.PostAsync(client);
        clock.Stop();
        return (await response.ReadCardsAsync(), clock.Elapsed);
    }

    private static string DataCardDetail(IEnumerable<JsonObject> cards)
    {
        var card = cards.OnlyCard(Answers.DataUnavailableRule);
        ((string?)card["indicator"]).Should().Be("info");
        return (string?)card["detail"] ?? "";
    }

    private static int RequestsTo(FhirStub stub, string path) => stub.Requests.Count(r => r.Path == path);

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private static string CircuitSeries(FhirStub stub) => $"crampcds_fhir_circuit_state{{server=\"{stub.BaseUrl.Authority}\"}}";

    // ---- slow ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_server_that_stalls_10_s_is_answered_within_the_budget_with_the_quinine_and_the_data_card()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Stall("*", TimeSpan.FromSeconds(10));
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions", "labs");

        elapsed.Should().BeLessThan(Within, "the budget is {0} ms and the stub stalls 10 s", BudgetMs);
        cards.ShouldFlagQuinineAndMissingData();
        var detail = DataCardDetail(cards);
        detail.Should().Contain("active conditions").And.Contain("did not answer in time");
        stub.Requests.Select(r => r.Path).Should().Contain(["/Condition", "/Observation"]);
    }

    [Fact]
    public async Task A_stalled_attempt_is_abandoned_after_AttemptTimeoutMs_and_retried_once_only()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Stall("/Condition", TimeSpan.FromSeconds(10));
        await using var app = App(stub, ("CrampCds:Fhir:TimeoutMs", "1200"), ("CrampCds:Fhir:AttemptTimeoutMs", "300"));
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        elapsed.Should().BeLessThan(Within);
        cards.ShouldFlagQuinineAndMissingData();
        DataCardDetail(cards).Should().Contain("did not answer in time");
        RequestsTo(stub, "/Condition").Should().Be(2, "a timed-out attempt is transient: one retry, never more");
    }

    [Fact]
    public async Task After_a_stalled_attempt_times_out_the_retry_brings_the_data()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.Stalling(TimeSpan.FromSeconds(10)), null);
        await using var app = App(stub, ("CrampCds:Fhir:TimeoutMs", "5000"), ("CrampCds:Fhir:AttemptTimeoutMs", "300"));
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldNotFlagQuinine("the retry read the malaria diagnosis");
        RequestsTo(stub, "/Condition").Should().Be(2);
        elapsed.Should().BeLessThan(Within, "the first attempt was abandoned after 300 ms, not after the stub's 10 s");
    }

    // ---- error statuses -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task A_transient_status_then_success_is_retried_and_the_data_arrives(HttpStatusCode status)
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.Status(status), null);
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldNotFlagQuinine("the retry after {0} read the malaria diagnosis", (int)status);
        RequestsTo(stub, "/Condition").Should().Be(2);
        stub.Requests.Should().OnlyContain(r => r.Authorization == "Bearer " + Token, "the retry carries the token too");
        elapsed.Should().BeLessThan(Within);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task A_status_that_is_not_transient_is_not_retried_and_is_named_in_the_data_card(HttpStatusCode status)
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.Status(status), null);
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData("a retry would have read malaria; there must be none after {0}", (int)status);
        DataCardDetail(cards).Should().Contain("active conditions");
        RequestsTo(stub, "/Condition").Should().Be(1);
        elapsed.Should().BeLessThan(Within);
    }

    [Fact]
    public async Task A_retry_is_not_attempted_when_the_deadline_leaves_no_room_for_its_delay()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.Status(HttpStatusCode.ServiceUnavailable), null);
        await using var app = App(stub, ("CrampCds:Fhir:RetryDelayMs", "5000"));
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData();
        DataCardDetail(cards).Should().Contain("returned an error");
        RequestsTo(stub, "/Condition").Should().Be(1, "a 5 s retry delay cannot fit in an {0} ms budget", BudgetMs);
        elapsed.Should().BeLessThan(Within);
    }

    // ---- 429 and Retry-After ------------------------------------------------------------------------------------

    [Fact]
    public async Task A_429_with_Retry_After_0_is_retried_at_once_and_the_data_arrives()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.Status(HttpStatusCode.TooManyRequests, ("Retry-After", "0")), null);
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldNotFlagQuinine();
        RequestsTo(stub, "/Condition").Should().Be(2);
        elapsed.Should().BeLessThan(Within);
    }

    [Fact]
    public async Task A_429_with_Retry_After_1_is_retried_after_that_second_when_the_budget_allows()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.Status(HttpStatusCode.TooManyRequests, ("Retry-After", "1")), null);
        await using var app = App(stub, ("CrampCds:Fhir:TimeoutMs", "5000"));
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldNotFlagQuinine();
        var attempts = stub.Requests.Where(r => r.Path == "/Condition").ToArray();
        attempts.Should().HaveCount(2);
        (attempts[1].ArrivedAt - attempts[0].ArrivedAt).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900),
            "Retry-After: 1 overrides the 100 ms retry delay");
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5) + Within);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("date")]
    public async Task A_429_whose_Retry_After_is_beyond_the_budget_is_not_retried_and_is_answered_within_it(string retryAfter)
    {
        var value = retryAfter == "date" ? DateTimeOffset.UtcNow.AddHours(1).ToString("R", CultureInfo.InvariantCulture) : retryAfter;
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.Status(HttpStatusCode.TooManyRequests, ("Retry-After", value)), null);
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData();
        RequestsTo(stub, "/Condition").Should().Be(1, "Retry-After: {0} does not fit in {1} ms", value, BudgetMs);
        elapsed.Should().BeLessThan(Within);
    }

    // ---- circuit breaker ----------------------------------------------------------------------------------------

    [Fact]
    public async Task A_server_answering_503_forever_trips_the_breaker_then_fails_fast_then_half_opens_and_recovers()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.RespondWithStatus("/Condition", HttpStatusCode.ServiceUnavailable);
        await using var app = App(stub, ("CrampCds:Fhir:BreakerMinimumThroughput", "2"), ("CrampCds:Fhir:BreakDurationSeconds", "1"));
        using var client = app.CreateClient();

        // Closed: calls reach the server (each with its one retry) until the failures trip the breaker.
        var seen = -1;
        for (var call = 0; call < 5 && RequestsTo(stub, "/Condition") != seen; call++)
        {
            seen = RequestsTo(stub, "/Condition");
            var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");
            cards.ShouldFlagQuinineAndMissingData();
            elapsed.Should().BeLessThan(Within);
        }

        var tripped = RequestsTo(stub, "/Condition");
        tripped.Should().BeInRange(2, 4, "two failures in a row reach the minimum throughput of 2 with a failure ratio of 1");
        (await ScrapeAsync(client)).Should().Contain(CircuitSeries(stub) + " 2\n", "the breaker is open");

        // Open: no request reaches the server, and the answer is still a 200 with both cards.
        for (var call = 0; call < 2; call++)
        {
            var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");
            cards.ShouldFlagQuinineAndMissingData();
            DataCardDetail(cards).Should().Contain("active conditions");
            elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(BudgetMs), "an open breaker fails fast");
        }

        RequestsTo(stub, "/Condition").Should().Be(tripped, "the open breaker lets nothing through");

        // Half-open after BreakDurationSeconds: one trial request to the healed server closes it again.
        stub.Heal("/Condition");
        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        var (recovered, _) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");
        recovered.ShouldNotFlagQuinine("the trial request read the malaria diagnosis");
        RequestsTo(stub, "/Condition").Should().Be(tripped + 1);
        (await ScrapeAsync(client)).Should().Contain(CircuitSeries(stub) + " 0\n", "the breaker closed again");

        var (closed, _) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");
        closed.ShouldNotFlagQuinine();
        RequestsTo(stub, "/Condition").Should().Be(tripped + 2);
    }

    [Fact]
    public async Task A_half_open_trial_that_fails_opens_the_breaker_again()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithStatus("/Condition", HttpStatusCode.ServiceUnavailable);
        await using var app = App(stub, ("CrampCds:Fhir:BreakerMinimumThroughput", "2"), ("CrampCds:Fhir:BreakDurationSeconds", "1"));
        using var client = app.CreateClient();

        await SignQuinineAsync(client, stub.BaseUrl, "conditions");
        await SignQuinineAsync(client, stub.BaseUrl, "conditions");
        var tripped = RequestsTo(stub, "/Condition");
        (await ScrapeAsync(client)).Should().Contain(CircuitSeries(stub) + " 2\n");

        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        var (cards, _) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");
        cards.ShouldFlagQuinineAndMissingData();
        RequestsTo(stub, "/Condition").Should().Be(tripped + 1, "half-open lets one trial through, and a failed trial is not retried into an open breaker");
        (await ScrapeAsync(client)).Should().Contain(CircuitSeries(stub) + " 2\n", "the failed trial opened it again");

        await SignQuinineAsync(client, stub.BaseUrl, "conditions");
        RequestsTo(stub, "/Condition").Should().Be(tripped + 1);
    }

    [Fact]
    public async Task The_breaker_is_per_FHIR_server_so_a_failing_server_does_not_cut_off_a_healthy_one()
    {
        await using var failing = await FhirStub.StartAsync();
        await using var healthy = await FhirStub.StartAsync();
        failing.RespondWithStatus("/Condition", HttpStatusCode.ServiceUnavailable);
        healthy.Add(FhirResources.MalariaCondition());
        await using var app = App(failing,
            ("CrampCds:Fhir:AllowedServers:1", healthy.BaseUrl.ToString().TrimEnd('/')),
            ("CrampCds:Fhir:BreakerMinimumThroughput", "2"),
            ("CrampCds:Fhir:BreakDurationSeconds", "30"));
        using var client = app.CreateClient();

        await SignQuinineAsync(client, failing.BaseUrl, "conditions");
        await SignQuinineAsync(client, failing.BaseUrl, "conditions");
        (await ScrapeAsync(client)).Should().Contain(CircuitSeries(failing) + " 2\n");

        var (cards, _) = await SignQuinineAsync(client, healthy.BaseUrl, "conditions");

        cards.ShouldNotFlagQuinine("the healthy server's breaker is its own");
        RequestsTo(healthy, "/Condition").Should().Be(1);
        (await ScrapeAsync(client)).Should().Contain(CircuitSeries(healthy) + " 0\n");
    }

    // ---- connection faults --------------------------------------------------------------------------------------

    [Fact]
    public async Task A_connection_reset_is_retried_once_and_then_named_in_the_data_card()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.On("/Condition", FhirStub.DropConnection);
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData();
        DataCardDetail(cards).Should().Contain("active conditions").And.Contain("could not be reached");
        RequestsTo(stub, "/Condition").Should().Be(2, "a connection error is transient");
        elapsed.Should().BeLessThan(Within);
    }

    [Fact]
    public async Task After_one_connection_reset_the_retry_brings_the_data()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.Add(FhirResources.MalariaCondition());
        stub.InTurn("/Condition", FhirStub.DropConnection, null);
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, _) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldNotFlagQuinine();
        RequestsTo(stub, "/Condition").Should().Be(2);
    }

    [Fact]
    public async Task A_quinine_order_is_still_flagged_when_the_FHIR_server_is_down()
    {
        var down = new Uri($"http://127.0.0.1:{UnusedLoopbackPort()}/fhir");
        await using var app = App(down);
        using var client = app.CreateClient();

        var call = HookCall.OrderSign(FhirResources.QuinineDraft()).WithFhirServer(down, Token);
        var clock = Stopwatch.StartNew();
        using var response = await call.PostAsync(client);
        var cards = await response.ReadCardsAsync();
        clock.Stop();

        cards.ShouldFlagQuinineAndMissingData("the quinine check needs only the draft order");
        var detail = DataCardDetail(cards);
        detail.Should().Contain("could not be reached");
        foreach (var data in new[] { "age, sex", "active medication orders", "the medication list", "potassium, magnesium", "active conditions" })
        {
            detail.Should().Contain(data, "nothing was prefetched and every fetch was refused");
        }

        clock.Elapsed.Should().BeLessThan(Within, "a refused connection is not waited on");
    }

    // ---- bodies that are not the data ---------------------------------------------------------------------------

    [Fact]
    public async Task Malformed_JSON_is_named_in_the_data_card_and_not_retried()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithBody("/Condition", """{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition",""");
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData();
        DataCardDetail(cards).Should().Contain("active conditions").And.Contain("not readable FHIR");
        RequestsTo(stub, "/Condition").Should().Be(1);
        elapsed.Should().BeLessThan(Within);
    }

    [Fact]
    public async Task A_resource_that_is_not_a_Bundle_where_a_search_Bundle_belongs_is_named_in_the_data_card()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.RespondWithBody("/Condition", FhirResources.Patient().ToJsonString());
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData("a Patient is not the searchset of conditions asked for");
        DataCardDetail(cards).Should().Contain("active conditions");
        elapsed.Should().BeLessThan(Within);
    }

    [Fact]
    public async Task A_next_link_that_loops_to_itself_stops_at_MaxPages_and_is_reported_incomplete()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.On("/Condition", LoopingPage(stub));
        await using var app = App(stub);
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData();
        DataCardDetail(cards).Should().Contain("active conditions").And.Contain("more results than this service reads");
        RequestsTo(stub, "/Condition").Should().Be(5, "MaxPages defaults to 5");
        elapsed.Should().BeLessThan(Within);
    }

    [Fact]
    public async Task A_next_link_that_loops_for_longer_than_the_budget_is_cut_off_by_the_deadline()
    {
        await using var stub = await FhirStub.StartAsync();
        stub.On("/Condition", LoopingPage(stub));
        stub.Delay = TimeSpan.FromMilliseconds(50);
        await using var app = App(stub, ("CrampCds:Fhir:MaxPages", "100"));
        using var client = app.CreateClient();

        var (cards, elapsed) = await SignQuinineAsync(client, stub.BaseUrl, "conditions");

        cards.ShouldFlagQuinineAndMissingData();
        DataCardDetail(cards).Should().Contain("active conditions");
        DataCardDetail(cards).Should().Contain("did not answer in time", "100 pages of 50 ms each do not fit in {0} ms", BudgetMs);
        RequestsTo(stub, "/Condition").Should().BeInRange(2, 99);
        elapsed.Should().BeLessThan(Within, "the deadline ends the loop: the call never hangs");
    }

    // ---- the rest of the call stays within the budget too ----------------------------------------------------------

    [Fact]
    public async Task A_feedback_store_that_accepts_connections_but_never_answers_does_not_hold_the_answer_past_the_budget()
    {
        using var silent = new SilentTcpServer();
        await using var app = new CrampCdsApplication(settings:
        [
            ("CrampCds:Fhir:TimeoutMs", BudgetMs.ToString(CultureInfo.InvariantCulture)),
            ("CrampCds:Feedback:Provider", "postgres"),
            ("ConnectionStrings:Feedback", $"Host=127.0.0.1;Port={silent.Port};Database=crampcds;Username=crampcds;Password=x;Timeout=3"),
        ]);
        using var client = app.CreateClient();

        // Cramps on hydrochlorothiazide: the causative-drugs warning, whose rule has snooze reasons, so the store is asked.
        var hydrochlorothiazide = FhirResources.ActiveMedicationRequest("m1", "#unused");
        hydrochlorothiazide.Remove("medicationReference");
        hydrochlorothiazide["medicationCodeableConcept"] = FhirResources.Concept(FhirResources.Coding(FhirResources.RxNorm, "310798", "hydrochlorothiazide 25 MG Oral Tablet"));
        var cramps = FhirResources.Condition("c1", FhirResources.Concept(FhirResources.Coding(FhirResources.Snomed, "449918009", "Cramp in lower leg")));
        var call = HookCall.PatientView().WithCompletePrefetch(cramps).WithPrefetch("medicationRequests", FhirResources.Bundle(hydrochlorothiazide));

        var clock = Stopwatch.StartNew();
        using var response = await call.PostAsync(client);
        var cards = await response.ReadCardsAsync();
        clock.Stop();

        cards.RuleIds().Should().Contain("causative-drugs", "a store that cannot answer snoozes nothing");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2.5), "the hook call's budget is {0} ms; the store is not the clinician's problem", BudgetMs);
    }

    /// <summary>A searchset page (one condition no rule cares about) whose next link is the very URL asked for.</summary>
    private static Func<HttpContext, Task> LoopingPage(FhirStub stub) => async context =>
    {
        var self = stub.Authority + context.Request.Path + context.Request.QueryString;
        var page = FhirResources.Bundle(FhirResources.HypertensionCondition("c1"));
        page["link"] = new JsonArray
        {
            new JsonObject { ["relation"] = "self", ["url"] = self },
            new JsonObject { ["relation"] = "next", ["url"] = self },
        };
        context.Response.ContentType = "application/fhir+json";
        await context.Response.WriteAsync(page.ToJsonString(), context.RequestAborted);
    };

    /// <summary>A loopback TCP server that accepts connections and never says a word (a hung database).</summary>
    private sealed class SilentTcpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _accepted = [];
        private readonly CancellationTokenSource _stop = new();

        public SilentTcpServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_accepted)
            {
                _accepted.ForEach(c => c.Dispose());
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_accepted)
                    {
                        _accepted.Add(client);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }

    /// <summary>A loopback port nothing listens on (connections to it are refused).</summary>
    private static int UnusedLoopbackPort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
