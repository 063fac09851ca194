namespace CrampCds.Api.Infrastructure;

public static class PathNormalization
{
    /// <summary>
    /// The CDS Hooks sandbox builds service URLs as <c>{discoveryUrl}/{id}</c>, so a discovery URL typed with a
    /// trailing slash calls <c>/cds-services//{id}</c>: collapse repeated slashes before routing.
    /// </summary>
    public static IApplicationBuilder UseCollapsedSlashes(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value;
        if (path is not null && path.Contains("//", StringComparison.Ordinal))
        {
            var collapsed = new System.Text.StringBuilder(path.Length);
            foreach (var c in path)
            {
                if (c != '/' || collapsed.Length == 0 || collapsed[^1] != '/')
                {
                    collapsed.Append(c);
                }
            }

            context.Request.Path = new PathString(collapsed.ToString());
        }

        return next(context);
    });
}
