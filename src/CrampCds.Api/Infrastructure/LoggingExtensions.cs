using Serilog;
using Serilog.Formatting.Json;

namespace CrampCds.Api.Infrastructure;

public static class LoggingExtensions
{
    /// <summary>One JSON object per line (Serilog); levels from the "Serilog" section. Log scopes become properties.</summary>
    public static WebApplicationBuilder AddCrampCdsLogging(this WebApplicationBuilder builder)
    {
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(new JsonFormatter(renderMessage: true))
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }
}
