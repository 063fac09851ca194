using FluentAssertions;

namespace CrampCds.Api.Tests.Infrastructure;

/// <summary>Settings a deployment gets wrong stop the service at start-up, naming the setting.</summary>
public sealed class OptionsExtensionsTests
{
    private static string AllMessages(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }

    [Theory]
    [InlineData("CrampCds:Fhir:TimeoutMs", "0", "TimeoutMs")]
    [InlineData("CrampCds:Fhir:MaxPages", "0", "MaxPages")]
    [InlineData("CrampCds:Limits:MaxBodyBytes", "-1", "MaxBodyBytes")]
    [InlineData("CrampCds:Fhir:AllowedServers:0", "not a url", "AllowedServers")]
    public void Invalid_settings_stop_start_up_naming_the_setting(string key, string value, string named)
    {
        using var app = new CrampCdsApplication(null, (key, value));

        var start = () => app.CreateClient().Dispose();

        AllMessages(start.Should().Throw<Exception>().Which).Should().Contain(named);
    }
}
