using CrampCds.Cli;
using CrampCds.Core.Cases;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrampCds.Cli.Tests;

public sealed class ReportCommandTests : IAsyncDisposable
{
    private const string Report = """
        {"from":"2026-10-23T00:00:00+00:00","to":"2026-11-22T00:00:00+00:00","rules":[
          {"ruleId":"quinine-order","indicator":"critical","issued":3,"accepted":1,"overridden":1,"noResponse":1,"acceptanceRate":0.3333,
           "topOverrideReasons":[{"system":"https://crampcds.org/fhir/CodeSystem/override-reason","code":"approved-indication-malaria","display":"Approved indication (malaria)","count":1}]}]}
        """;

    private readonly WebApplication _service;
    private string? _lastQuery;

    public ReportCommandTests()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _service = builder.Build();
        _service.MapGet("/analytics/rules", (HttpContext context) =>
        {
            _lastQuery = context.Request.QueryString.Value;
            return context.Request.Headers.Authorization == "Bearer secret-admin"
                ? Results.Text(Report, "application/json")
                : Results.StatusCode(401);
        });
        _service.StartAsync().GetAwaiter().GetResult();
    }

    private string Url => _service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public void The_report_prints_a_table_of_the_rules()
    {
        var (code, output, _) = Run("report", "--url", Url, "--token", "secret-admin", "--from", "2026-10-23", "--to", "2026-11-22");

        code.Should().Be(0);
        output.Should().Contain("quinine-order").And.Contain("critical").And.Contain("33.3").And.Contain("Approved indication (malaria) (1)");
        _lastQuery.Should().Be("?from=2026-10-23&to=2026-11-22");
    }

    [Fact]
    public void The_report_prints_json_on_request()
    {
        var (code, output, _) = Run("report", "--url", Url, "--token", "secret-admin", "--json");

        code.Should().Be(0);
        System.Text.Json.Nodes.JsonNode.Parse(output)!["rules"]!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public void A_refused_token_exits_1_with_the_status_and_no_token_exits_2()
    {
        Run("report", "--url", Url, "--token", "wrong").Code.Should().Be(1);
        Run("report", "--url", Url).Code.Should().Be(Environment.GetEnvironmentVariable(ReportCommand.TokenVariable) is null ? 2 : 1);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error, new FixedTimeProvider(DateTimeOffset.UtcNow));
        return (code, output.ToString(), error.ToString());
    }
}
