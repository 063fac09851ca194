using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace CrampCds.Api.Tests.Auth;

/// <summary>
/// An issuer's JWKS endpoint on a real loopback socket (Kestrel, <c>http://127.0.0.1:{random port}/.well-known/jwks.json</c>),
/// in-process: it serves <c>{"keys": [...]}</c> with the public JWKs of the keys it is given (rotated with
/// <see cref="Serve"/>), or a fixed failure, and counts every request.
/// </summary>
public sealed class JwksStub : IAsyncDisposable
{
    public const string JwksPath = "/.well-known/jwks.json";

    private LoopbackServer _server = null!;

    private JwksStub()
    {
    }
    private readonly Lock _gate = new();
    private string _body = """{"keys":[]}""";
    private int _status = 200;
    private int _fetches;


    /// <summary>The JWKS URL: the issuer's configured JwksUrl and the <c>jku</c> its tokens carry.</summary>
    public string Url { get; private set; } = "";

    /// <summary>How many times the JWKS was requested.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<JwksStub> StartAsync(params TestKey[] keys)
    {
        var stub = new JwksStub();
        stub.Serve(keys);
        stub._server = await LoopbackServer.StartAsync("JwksStub", stub.HandleAsync);
        stub.Url = stub._server.Authority + JwksPath;
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

    public ValueTask DisposeAsync() => _server.DisposeAsync();

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
