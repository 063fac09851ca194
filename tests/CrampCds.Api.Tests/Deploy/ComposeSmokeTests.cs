using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CrampCds.Api.Tests.Auth;
using CrampCds.Api.Tests.Feedback;
using FluentAssertions;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace CrampCds.Api.Tests.Deploy;

/// <summary>
/// The service as docker-compose.yml runs it, without a container engine: the built service started as a
/// process with the crampcds service's environment from the rendered compose file, changed only where this
/// machine differs (loopback port, the test PostgreSQL, a test issuer's JWKS file, the repository's cds-cards,
/// test values for the secrets). An order-sign hook signed like the sandbox signs (ES384) must get the critical
/// quinine card, and the card must be in PostgreSQL's issued-card log.
/// </summary>
public sealed class ComposeSmokeTests
{
    private const string Issuer = "https://ehr.smoke-test.example.org";
    private const string JwksUrl = Issuer + "/.well-known/jwks.json";

    [ComposeSmokeFact]
    public async Task The_service_with_the_compose_environment_answers_a_signed_quinine_order_and_logs_the_card_in_PostgreSQL()
    {
        var compose = DeployArtifacts.ComposeEnvironment("crampcds");
        var publicBaseUrl = compose["CrampCds__PublicBaseUrl"];
        var schema = $"smoke_{Guid.NewGuid():N}";
        var server = StoreFixture.PostgresServer!;
        await ExecuteAsync(server, $"CREATE SCHEMA {schema}");
        var folder = Directory.CreateTempSubdirectory("crampcds-smoke-");
        using var key = TestKey.Ec(SecurityAlgorithms.EcdsaSha384);
        ServiceProcess? service = null;
        try
        {
            var jwksPath = Path.Combine(folder.FullName, "jwks.json");
            await File.WriteAllTextAsync(jwksPath, new JsonObject { ["keys"] = new JsonArray(key.PublicJwk.DeepClone()) }.ToJsonString());
            var port = FreePort();
            var environment = new Dictionary<string, string>(compose, StringComparer.Ordinal)
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["ConnectionStrings__Feedback"] = $"{server};Search Path={schema}",
                ["CrampCds__Auth__TrustedIssuers__0__Issuer"] = Issuer,
                ["CrampCds__Auth__TrustedIssuers__0__JwksUrl"] = JwksUrl,
                ["CrampCds__Auth__TrustedIssuers__0__JwksPath"] = jwksPath,
                ["CrampCds__Cards__Path"] = DeployArtifacts.RepositoryPath("cds-cards"),
                ["CrampCds__Feedback__PatientHashKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
                ["CrampCds__Admin__TokenHashes__0"] = Convert.ToHexString(SHA256.HashData("smoke-admin-token"u8)),
            };

            service = await ServiceProcess.StartAsync(environment, port);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(15) };
            await service.WaitUntilReadyAsync(http, TimeSpan.FromSeconds(40));

            var call = HookCall.OrderSign(FhirResources.QuinineDraft("rx-smoke")).WithCompletePrefetch();
            var path = $"/cds-services/{call.ServiceId}";

            // Production: no token, no cards.
            using (var anonymous = await call.PostAsync(http))
            {
                anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized, service.Log);
            }

            // The browser's preflight from the sandbox origin the compose file allows.
            using (var preflight = new HttpRequestMessage(HttpMethod.Options, path))
            {
                preflight.Headers.Add("Origin", "https://sandbox.cds-hooks.org");
                preflight.Headers.Add("Access-Control-Request-Method", "POST");
                preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
                using var answer = await http.SendAsync(preflight);
                ((int)answer.StatusCode).Should().BeInRange(200, 299, service.Log);
                answer.Headers.GetValues("Access-Control-Allow-Origin").Should().ContainSingle().Which
                    .Should().BeOneOf("https://sandbox.cds-hooks.org", "*");
            }

            // Signed as the sandbox signs (ES384, jku), for the public URL (PublicBaseUrl: the proxy case).
            var jwt = Jwt.Create(Issuer, publicBaseUrl.TrimEnd('/') + path, DateTimeOffset.UtcNow).WithHeader("jku", JwksUrl);
            var token = jwt.SignWith(key);
            IReadOnlyList<JsonObject> cards;
            using (var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(call.Body.ToJsonString(), Encoding.UTF8, "application/json") })
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request);
                response.StatusCode.Should().Be(HttpStatusCode.OK, service.Log);
                cards = await response.ReadCardsAsync();
            }

            var card = cards.OnlyCard(Answers.QuinineRule);
            ((string?)card["indicator"]).Should().Be("critical");
            var uuid = (string)card["uuid"]!;

            // The same token again: a replay, refused (the jti is in the shared store).
            using (var replay = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(call.Body.ToJsonString(), Encoding.UTF8, "application/json") })
            {
                replay.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(replay);
                response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a token is accepted once");
            }

            var row = await PollAsync(server, schema, uuid, TimeSpan.FromSeconds(10));
            row.Should().NotBeNull($"card {uuid} is in {schema}.issued_cards\n{service.Log}");
            row!.Value.RuleId.Should().Be(Answers.QuinineRule);
            row.Value.Indicator.Should().Be("critical");
            row.Value.ServiceId.Should().Be(call.ServiceId);
            row.Value.PatientHash.Should().NotBe(HookCall.DefaultPatientId).And.MatchRegex("^[0-9A-F]{64}$", "the log keeps a keyed hash, never the id");

            var jti = (string)jwt.Payload["jti"]!;
            (await CountAsync(server, $"SELECT COUNT(*) FROM {schema}.jwt_replay WHERE jti = @jti", ("jti", jti))).Should().Be(1);
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }

            await ExecuteAsync(server, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
            folder.Delete(recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string server, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(string RuleId, string Indicator, string ServiceId, string PatientHash)?> PollAsync(string server, string schema, string uuid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        while (true)
        {
            await using (var command = new NpgsqlCommand($"SELECT rule_id, indicator, service_id, patient_hash FROM {schema}.issued_cards WHERE card_uuid = @uuid", connection))
            {
                command.Parameters.AddWithValue("uuid", uuid);
                await using var reader = await command.ExecuteReaderAsync();
                if (await reader.ReadAsync())
                {
                    return (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The service built from src/CrampCds.Api, run with <c>dotnet CrampCds.Api.dll</c>; its output kept for failure messages.</summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private static readonly string[] InheritedPrefixes = ["CrampCds__", "ConnectionStrings__", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "OTEL_", "Serilog__", "Logging__"];

        private readonly Process _process;
        private readonly StringBuilder _log = new();

        private ServiceProcess(Process process) => _process = process;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return $"service output:\n{_log}";
                }
            }
        }

        public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> environment, int port)
        {
            var dll = await ServiceBinaryAsync();
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            foreach (var inherited in start.Environment.Keys.Where(k => InheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            {
                start.Environment.Remove(inherited);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("the service did not start");
            var service = new ServiceProcess(process);
            process.OutputDataReceived += (_, e) => service.Append(e.Data);
            process.ErrorDataReceived += (_, e) => service.Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            service.Append($"(started on port {port})");
            return service;
        }

        public async Task WaitUntilReadyAsync(HttpClient http, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"the service exited with {_process.ExitCode} before it was ready\n{Log}");
                }

                try
                {
                    using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                    if (ready.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(200);
            }

            throw new TimeoutException($"the service was not ready within {timeout.TotalSeconds} s\n{Log}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    // Killed; the OS reaps it.
                }
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_log)
            {
                if (_log.Length < 64_000)
                {
                    _log.AppendLine(line);
                }
            }
        }

        /// <summary>The service's build output beside this test's (same configuration), else a fresh <c>dotnet publish</c>.</summary>
        private static async Task<string> ServiceBinaryAsync()
        {
            // AppContext.BaseDirectory is tests/CrampCds.Api.Tests/bin/{Configuration}/{tfm}/.
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = tfm.Parent!.Name;
            var built = DeployArtifacts.RepositoryPath("src", "CrampCds.Api", "bin", configuration, tfm.Name, "CrampCds.Api.dll");
            if (File.Exists(built) && File.Exists(Path.Combine(Path.GetDirectoryName(built)!, "appsettings.json")))
            {
                return built;
            }

            var output = Path.Combine(Path.GetTempPath(), $"crampcds-smoke-publish-{Environment.ProcessId}");
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "publish", DeployArtifacts.RepositoryPath("src", "CrampCds.Api"), "-c", "Release", "-o", output, "--nologo" })
            {
                start.ArgumentList.Add(argument);
            }

            using var publish = Process.Start(start)!;
            var stdout = publish.StandardOutput.ReadToEndAsync();
            var stderr = publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync();
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish failed:\n{await stdout}\n{await stderr}");
            }

            return Path.Combine(output, "CrampCds.Api.dll");
        }
    }
}

/// <summary>
/// The smoke test needs a PostgreSQL (CRAMPCDS_TEST_POSTGRES, which .ci/run sets) and the rendered compose file;
/// skipped, with the reason, without either.
/// </summary>
public sealed class ComposeSmokeFactAttribute : FactAttribute
{
    public ComposeSmokeFactAttribute()
    {
        if (StoreFixture.PostgresServer is null)
        {
            Skip = $"no PostgreSQL configured ({StoreFixture.PostgresVariable} unset): the compose smoke test needs one for the store";
        }
        else if (DeployArtifacts.RenderedUnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
