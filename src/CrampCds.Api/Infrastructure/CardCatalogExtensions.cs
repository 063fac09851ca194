using CrampCds.Core.Cards;
using CrampCds.Core.Rules;

namespace CrampCds.Api.Infrastructure;

public static class CardCatalogExtensions
{
    /// <summary>Registers the rules, the cds-cards content (loaded once) and the evaluator.</summary>
    public static IServiceCollection AddClinicalContent(this IServiceCollection services)
    {
        foreach (var rule in RuleSet.Create())
        {
            services.AddSingleton(rule);
        }

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<CrampCdsOptions>();
            var environment = sp.GetRequiredService<IHostEnvironment>();
            var rules = sp.GetServices<IRule>();
            return CardCatalog.Load(ResolveCardsPath(options.Cards.Path, environment.ContentRootPath), rules);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<CrampCdsOptions>();
            return new HookEvaluator(
                sp.GetRequiredService<CardCatalog>(),
                sp.GetServices<IRule>(),
                options.Rules.Disabled,
                sp.GetRequiredService<TimeProvider>(),
                options.PatientView.RequireCrampContext);
        });
        return services;
    }

    /// <summary>Loads the content before the first request, so a bad cds-cards file stops start-up.</summary>
    public static WebApplication LoadClinicalContent(this WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<HookEvaluator>();
        }
        catch (CardContentException ex)
        {
            app.Logger.ContentInvalid(ex.Message);
            throw;
        }

        return app;
    }

    private static string ResolveCardsPath(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured, contentRoot);
        }

        for (var directory = new DirectoryInfo(contentRoot); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "cds-cards");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(contentRoot, "cds-cards");
    }
}
