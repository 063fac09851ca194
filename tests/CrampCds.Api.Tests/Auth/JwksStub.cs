using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// An issuer's JWKS endpoint on a real loopback socket (Kestrel, <c>http://127.0.0.1:{random port}/.well-known/jwks.json</c>),
/// in-process: it serves <c>{"keys": [...]}</c> with the public JWKs of the keys it is given (rotated with
/// <see cref="Serve"/>), or a fixed failure, and counts every request.
/// </summary>
public sealed class JwksStub : IAsyncDisposable
{
    public const string JwksPath = "/.well-known/jwks.json";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private string _body = """{"keys":[]}""";
    private int _status = 200;
    private int _fetches;

    private JwksStub(WebApplication app) => _app = app;

    /// <summary>The JWKS URL: the issuer's configured JwksUrl and the <c>jku</c> its tokens carry.</summary>
    public string Url { get; private set; } = "";

    /// <summary>How many times the JWKS was requested.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<JwksStub> StartAsync(params TestKey[] keys)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = "JwksStub",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var stub = new JwksStub(app);
        stub.Serve(keys);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.Url = address.TrimEnd('/') + JwksPath;
        return stub;
    }

    /// <summary>From now on the JWKS holds exactly these keys (key rotation).</summary>
    public JwksStub Serve(params TestKey[] keys)
    {
        var set = new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode)k.PublicJwk.DeepClone()).ToArray()) };
        return Respond(200, set.ToJsonString());
    }

    /// <summary>From now on every request is answered with this status and body.</summary>
    public JwksStub Respond(int status, string body)
    {
        lock (_gate)
        {
            _status = status;
            _body = body;
        }

        return this;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Requests still open are cut off.
        }

        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _fetches);
        int status;
        string body;
        lock (_gate)
        {
            (status, body) = (_status, _body);
        }

        if (context.Request.Path != JwksPath)
        {
            status = 404;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
