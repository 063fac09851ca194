using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CrampCds.Api.Fhir;
using CrampCds.Api.Infrastructure;
using CrampCds.Core.Cards;
using CrampCds.Core.Rules;
using FluentAssertions;
using Microsoft.Extensions.Configuration;

namespace CrampCds.Api.Tests.Deploy;

/// <summary>
/// The deployment as the tools render it (docker-compose config, kubectl kustomize; see <see cref="DeployArtifacts"/>)
/// and the Dockerfile as written: non-root, read-only root, probes, limits, the PostgreSQL store, no secret in clear.
/// </summary>
public sealed partial class DeploymentTests
{
    private const string AppUid = "1654";

    /// <summary>Settings that are secrets: never a literal value in the repository, only references.</summary>
    private static readonly string[] SecretSettings =
    [
        "ConnectionStrings__Feedback",
        "CrampCds__Feedback__PatientHashKey",
        "CrampCds__Admin__TokenHashes__0",
    ];

    // ---- docker-compose -----------------------------------------------------------------------------

    [DeployRenderedFact]
    public void Compose_runs_the_service_from_the_Dockerfile_in_Production_with_JWTs_required_and_the_PostgreSQL_store()
    {
        var crampcds = DeployArtifacts.ComposeServices()["crampcds"]!;
        ((string?)crampcds["build"]!["dockerfile"]).Should().Be("deploy/Dockerfile");
        crampcds["ports"]!.AsArray().Should().Contain(p => (int?)p!["published"] == 8080 && (int?)p["target"] == 8080);
        ((bool?)crampcds["read_only"]).Should().BeTrue("the service writes only to /tmp and /data");

        var env = DeployArtifacts.ComposeEnvironment("crampcds");
        env["ASPNETCORE_ENVIRONMENT"].Should().Be("Production");
        env["CrampCds__Auth__RequireJwt"].Should().Be("true");
        env["CrampCds__PublicBaseUrl"].Should().Be("http://localhost:8080");
        env["CrampCds__Feedback__Provider"].Should().Be("postgres");
        env["ConnectionStrings__Feedback"].Should().Contain("Host=db;").And.Contain("Database=crampcds");
        env["CrampCds__Cors__AllowedOrigins__0"].Should().Be("https://sandbox.cds-hooks.org");
        env.Keys.Should().NotContain(k => k.StartsWith("CrampCds__Auth__TrustedIssuers", StringComparison.Ordinal),
            "no issuer is trusted unless the deployer adds one (the sandbox only through its override file)");
    }

    [DeployRenderedFact]
    public void Compose_maps_the_browsers_HAPI_URL_to_the_container_and_allows_only_that_server()
    {
        var services = DeployArtifacts.ComposeServices();
        var hapiPort = services["hapi"]!["ports"]!.AsArray().Single()!;
        ((int?)hapiPort["target"]).Should().Be(8080);
        var published = (int)hapiPort["published"]!;
        published.Should().NotBe(8080, "the service itself is on 8080");

        var options = BindOptions(DeployArtifacts.ComposeEnvironment("crampcds"));
        options.Fhir.AllowHttp.Should().BeTrue();
        options.Fhir.AllowedServers.Should().Equal("http://hapi:8080/fhir");
        var policy = new FhirServerPolicy(options);
        policy.Resolve(new Uri($"http://localhost:{published}/fhir"))
            .Should().Be(new Uri("http://hapi:8080/fhir"), "the sandbox sends the FHIR URL the browser uses");
        policy.Resolve(new Uri("https://fhir.example.org/r4")).Should().BeNull("nothing else may be called");
    }

    [DeployRenderedFact]
    public void Compose_has_PostgreSQL_on_a_named_volume_and_HAPI_seeded_in_a_health_checked_order()
    {
        var rendered = DeployArtifacts.ReadRendered("compose.json");
        var services = rendered["services"]!.AsObject();

        var db = services["db"]!;
        ((string?)db["image"]).Should().StartWith("postgres:");
        var volume = ((string?)db["volumes"]!.AsArray().Single())!.Split(':')[0];
        rendered["volumes"]!.AsObject().ContainsKey(volume).Should().BeTrue($"{volume} is a named volume, not a host folder");
        Test(db).Should().Contain("pg_isready");

        var hapi = services["hapi"]!;
        ((string?)hapi["image"]).Should().StartWith("hapiproject/hapi:");
        Test(hapi).Should().Contain("/fhir/metadata");

        var seed = services["hapi-seed"]!;
        Condition(seed, "hapi").Should().Be("service_healthy");
        string.Join(' ', seed["entrypoint"]!.AsArray().Select(e => (string?)e)).Should().Contain("seed.sh");
        ((string?)seed["restart"]).Should().Be("no", "it runs once");

        var crampcds = services["crampcds"]!;
        Condition(crampcds, "db").Should().Be("service_healthy");
        Condition(crampcds, "hapi-seed").Should().Be("service_completed_successfully");

        File.Exists(DeployArtifacts.RepositoryPath("deploy", "demo", "seed.sh")).Should().BeTrue();
        File.Exists(DeployArtifacts.RepositoryPath("deploy", "demo", "FhirHealthCheck.java")).Should().BeTrue();

        static string Test(JsonNode service) => string.Join(' ', service["healthcheck"]!["test"]!.AsArray().Select(t => (string?)t));
        static string? Condition(JsonNode service, string dependency) => (string?)service["depends_on"]![dependency]!["condition"];
    }

    [DeployRenderedFact]
    public void Compose_takes_every_secret_from_the_environment_and_writes_none_in_clear()
    {
        var source = DeployArtifacts.ReadRepositoryText("docker-compose.yml");
        var env = DeployArtifacts.ComposeEnvironment("crampcds");
        var dbEnv = DeployArtifacts.ComposeEnvironment("db");

        var secrets = new Dictionary<string, string>
        {
            ["CrampCds__Feedback__PatientHashKey"] = env["CrampCds__Feedback__PatientHashKey"],
            ["CrampCds__Admin__TokenHashes__0"] = env["CrampCds__Admin__TokenHashes__0"],
            ["POSTGRES_PASSWORD"] = dbEnv["POSTGRES_PASSWORD"],
            ["ConnectionStrings__Feedback"] = Regex.Match(env["ConnectionStrings__Feedback"], "Password=([^;]*)").Groups[1].Value,
        };
        foreach (var (key, renderedValue) in secrets)
        {
            var line = source.Split('\n').Single(l => l.TrimStart().TrimStart('"').StartsWith(key, StringComparison.Ordinal));
            line.Should().MatchRegex(@"\$\{CRAMPCDS_[A-Z_]+:\?", $"{key} must come from a required environment variable");
            renderedValue.Should().NotBeNullOrEmpty();
            source.Should().NotContain(renderedValue, $"the value of {key} is not written in docker-compose.yml");
        }

        source.Should().NotMatchRegex(@"Password=[^$\s""]", "a password is never written in the file");
        SecretSettings.Should().OnlyContain(s => secrets.ContainsKey(s));
    }

    [DeployRenderedFact]
    public void The_sandbox_override_trusts_the_sandbox_issuer_with_its_JWKS_and_warns_about_it()
    {
        var env = DeployArtifacts.ComposeEnvironment("crampcds", "compose.sandbox.json");
        env["CrampCds__Auth__TrustedIssuers__0__Issuer"].Should().Be("https://sandbox.cds-hooks.org");
        env["CrampCds__Auth__TrustedIssuers__0__JwksUrl"].Should().Be("https://sandbox.cds-hooks.org/.well-known/jwks.json");
        env["CrampCds__Auth__RequireJwt"].Should().Be("true", "the override adds an issuer, it does not switch JWTs off");
        env["ASPNETCORE_ENVIRONMENT"].Should().Be("Production");

        DeployArtifacts.ReadRepositoryText("docker-compose.sandbox.yml").Should().Contain("WARNING").And.Contain("private");
    }

    // ---- Kubernetes ---------------------------------------------------------------------------------

    [DeployRenderedFact]
    public void The_Deployment_runs_3_replicas_as_the_non_root_app_user_with_a_read_only_root_filesystem()
    {
        var deployment = DeployArtifacts.KubernetesObject("Deployment", "crampcds");
        ((int?)deployment["spec"]!["replicas"]).Should().Be(3);

        var pod = deployment["spec"]!["template"]!["spec"]!;
        ((bool?)pod["securityContext"]!["runAsNonRoot"]).Should().BeTrue();
        ((int?)pod["securityContext"]!["runAsUser"]).Should().Be(int.Parse(AppUid, System.Globalization.CultureInfo.InvariantCulture));
        ((string?)pod["securityContext"]!["seccompProfile"]!["type"]).Should().Be("RuntimeDefault");
        ((bool?)pod["automountServiceAccountToken"]).Should().BeFalse();

        foreach (var container in Containers(pod, includeInit: true))
        {
            var security = container["securityContext"]!;
            var name = (string?)container["name"];
            ((bool?)security["readOnlyRootFilesystem"]).Should().BeTrue(name);
            ((bool?)security["allowPrivilegeEscalation"]).Should().BeFalse(name);
            ((bool?)security["runAsNonRoot"]).Should().BeTrue(name);
            security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c).Should().Contain("ALL", name);
            ((string?)container["resources"]!["limits"]!["memory"]).Should().NotBeNullOrEmpty(name);
            ((string?)container["resources"]!["limits"]!["cpu"]).Should().NotBeNullOrEmpty(name);
            ((string?)container["resources"]!["requests"]!["memory"]).Should().NotBeNullOrEmpty(name);
            ((string?)container["image"]).Should().Contain("/", $"{name}: the overlay points the image at a registry");
        }

        var main = MainContainer(pod);
        var mounts = main["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["mountPath"]!, m => (string)m!["name"]!);
        mounts.Keys.Should().Contain(["/tmp", "/data", "/app/cds-cards"]);
        var volumes = pod["volumes"]!.AsArray().ToDictionary(v => (string)v!["name"]!, v => v!.AsObject());
        volumes[mounts["/tmp"]].ContainsKey("emptyDir").Should().BeTrue();
        volumes[mounts["/data"]].ContainsKey("emptyDir").Should().BeTrue();
    }

    [DeployRenderedFact]
    public void The_Deployment_probes_the_health_endpoints()
    {
        var main = MainContainer(DeployArtifacts.KubernetesObject("Deployment", "crampcds")["spec"]!["template"]!["spec"]!);
        ((string?)main["livenessProbe"]!["httpGet"]!["path"]).Should().Be("/health/live");
        ((string?)main["readinessProbe"]!["httpGet"]!["path"]).Should().Be("/health/ready");
        main["ports"]!.AsArray().Should().Contain(p => (int?)p!["containerPort"] == 8080 && (string?)p["name"] == "http");
        ((string?)main["livenessProbe"]!["httpGet"]!["port"]).Should().Be("http");
    }

    [DeployRenderedFact]
    public void Production_uses_the_PostgreSQL_store_and_passes_secrets_only_by_secretKeyRef()
    {
        var objects = DeployArtifacts.KubernetesObjects();
        var main = MainContainer(DeployArtifacts.KubernetesObject("Deployment", "crampcds")["spec"]!["template"]!["spec"]!);

        var settingsName = (string?)main["envFrom"]!.AsArray().Single()!["configMapRef"]!["name"];
        var settings = objects.Single(o => (string?)o["kind"] == "ConfigMap" && (string?)o["metadata"]!["name"] == settingsName)["data"]!.AsObject();
        ((string?)settings["CrampCds__Feedback__Provider"]).Should().Be("postgres");
        ((string?)settings["ASPNETCORE_ENVIRONMENT"]).Should().Be("Production");
        ((string?)settings["CrampCds__Auth__RequireJwt"]).Should().Be("true");

        var env = main["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!.AsObject());
        foreach (var secret in SecretSettings)
        {
            env.Should().ContainKey(secret);
            env[secret].ContainsKey("value").Should().BeFalse($"{secret} is never a literal");
            ((string?)env[secret]["valueFrom"]!["secretKeyRef"]!["name"]).Should().NotBeNullOrEmpty(secret);
            ((string?)env[secret]["valueFrom"]!["secretKeyRef"]!["key"]).Should().NotBeNullOrEmpty(secret);
        }

        objects.Should().NotContain(o => (string?)o["kind"] == "Secret", "secret values are created outside the repository");
        foreach (var configMap in objects.Where(o => (string?)o["kind"] == "ConfigMap"))
        {
            configMap["data"]!.AsObject().Select(p => p.Key).Should().NotContain(
                k => k.StartsWith("ConnectionStrings", StringComparison.Ordinal) || k.Contains("PatientHashKey", StringComparison.Ordinal)
                     || k.Contains("TokenHashes", StringComparison.Ordinal) || k.Contains("Password", StringComparison.OrdinalIgnoreCase));
        }
    }

    [DeployRenderedFact]
    public void Production_has_an_autoscaler_a_disruption_budget_and_a_service_for_the_Deployment()
    {
        var deployment = DeployArtifacts.KubernetesObject("Deployment", "crampcds");
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();

        var hpa = DeployArtifacts.KubernetesObject("HorizontalPodAutoscaler", "crampcds");
        ((string?)hpa["apiVersion"]).Should().Be("autoscaling/v2");
        ((string?)hpa["spec"]!["scaleTargetRef"]!["kind"]).Should().Be("Deployment");
        ((string?)hpa["spec"]!["scaleTargetRef"]!["name"]).Should().Be((string?)deployment["metadata"]!["name"]);
        var min = (int)hpa["spec"]!["minReplicas"]!;
        min.Should().BeGreaterThanOrEqualTo(3);
        ((int)hpa["spec"]!["maxReplicas"]!).Should().BeGreaterThan(min);

        var pdb = DeployArtifacts.KubernetesObject("PodDisruptionBudget", "crampcds");
        ((string?)pdb["apiVersion"]).Should().Be("policy/v1");
        Selects(pdb["spec"]!["selector"]!["matchLabels"]!.AsObject(), podLabels).Should().BeTrue();
        (pdb["spec"]!["minAvailable"] ?? pdb["spec"]!["maxUnavailable"]).Should().NotBeNull();

        var service = DeployArtifacts.KubernetesObject("Service", "crampcds");
        Selects(service["spec"]!["selector"]!.AsObject(), podLabels).Should().BeTrue();
    }

    [DeployRenderedFact]
    public void Production_limits_egress_to_DNS_the_FHIR_servers_the_JWKS_hosts_and_PostgreSQL()
    {
        var deployment = DeployArtifacts.KubernetesObject("Deployment", "crampcds");
        var policy = DeployArtifacts.KubernetesObject("NetworkPolicy", "crampcds");
        Selects(policy["spec"]!["podSelector"]!["matchLabels"]!.AsObject(), deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject())
            .Should().BeTrue();
        policy["spec"]!["policyTypes"]!.AsArray().Select(t => (string?)t).Should().Contain("Egress");

        var egress = policy["spec"]!["egress"]!.AsArray();
        egress.Should().HaveCountGreaterThanOrEqualTo(4);
        egress.Should().OnlyContain(rule => rule!["to"] != null && rule["ports"] != null, "every rule names its destinations and ports");
        var ports = egress.SelectMany(rule => rule!["ports"]!.AsArray()).Select(p => ((string?)p!["protocol"], (int?)p["port"])).ToArray();
        ports.Should().Contain(("UDP", 53)).And.Contain(("TCP", 443)).And.Contain(("TCP", 5432));
    }

    [DeployRenderedFact]
    public void The_cds_cards_ConfigMap_unfolds_into_a_folder_the_service_loads_and_the_pod_unfolds_it()
    {
        var data = DeployArtifacts.ReadRendered("cds-cards-configmap.json")["data"]!.AsObject();
        var folder = Directory.CreateTempSubdirectory("crampcds-cards-configmap-");
        try
        {
            foreach (var (key, value) in data)
            {
                key.Should().MatchRegex("^[-._a-zA-Z0-9]+$", "a ConfigMap key");
                var target = Path.Combine(folder.FullName, key.Replace("__", "/", StringComparison.Ordinal));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllText(target, (string)value!);
            }

            var rules = RuleSet.Create();
            var catalog = CardCatalog.Load(folder.FullName, rules);
            catalog.Services.Should().HaveCount(3);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var pod = DeployArtifacts.KubernetesObject("Deployment", "crampcds")["spec"]!["template"]!["spec"]!;
        var init = pod["initContainers"]!.AsArray().Single(c => (string?)c!["name"] == "cds-cards")!;
        string.Join('\n', init["command"]!.AsArray().Select(c => (string?)c)).Should().Contain("sed 's#__#/#g'");
        var configMapVolume = pod["volumes"]!.AsArray().Single(v => v!["configMap"] != null)!;
        ((string?)configMapVolume["configMap"]!["name"]).Should().Be("crampcds-cards");
        ((bool?)configMapVolume["configMap"]!["optional"]).Should().BeTrue("without it the image's own copy is used");
    }

    // ---- Dockerfile ---------------------------------------------------------------------------------

    [Fact]
    public void The_Dockerfile_builds_on_the_NET_10_images_and_runs_non_root_on_8080_with_the_services_own_probe()
    {
        var instructions = DockerfileInstructions(DeployArtifacts.ReadRepositoryText("deploy", "Dockerfile"));
        var froms = instructions.Where(i => i.Name == "FROM").Select(i => i.Arguments).ToArray();
        froms.First().Should().StartWith("mcr.microsoft.com/dotnet/sdk:10.0");
        froms.Last().Should().StartWith("mcr.microsoft.com/dotnet/aspnet:10.0");

        var runtime = instructions.SkipWhile(i => i.Arguments != froms.Last()).ToArray();
        var user = runtime.Last(i => i.Name == "USER").Arguments.Split(':')[0];
        user.Should().BeOneOf(AppUid, "app", "$APP_UID");
        runtime.Should().Contain(i => i.Name == "EXPOSE" && i.Arguments.Split(' ').Contains("8080"));

        var healthcheck = runtime.Single(i => i.Name == "HEALTHCHECK").Arguments;
        var command = JsonSerializer.Deserialize<string[]>(healthcheck[(healthcheck.IndexOf("CMD", StringComparison.Ordinal) + 3)..].Trim())!;
        command.Should().Equal("dotnet", "/app/CrampCds.Api.dll", "probe", HealthProbe.DefaultUrl);
        HealthProbe.IsProbe(command[2..]).Should().BeTrue();

        var env = string.Join(' ', runtime.Where(i => i.Name == "ENV").Select(i => i.Arguments));
        env.Should().Contain("ASPNETCORE_ENVIRONMENT=Production")
            .And.Contain("ASPNETCORE_URLS=http://+:8080")
            .And.Contain("CrampCds__Cards__Path=/app/cds-cards")
            .And.Contain("ConnectionStrings__Feedback=\"Data Source=/data/crampcds.db\"");
        runtime.Should().Contain(i => i.Name == "COPY" && i.Arguments == "cds-cards/ /app/cds-cards/");
        runtime.Should().Contain(i => i.Name == "VOLUME" && i.Arguments.Contains("/data", StringComparison.Ordinal));
        runtime.Last().Name.Should().Be("ENTRYPOINT");
    }

    [Fact]
    public void The_Dockerfile_copies_every_project_the_service_references_and_the_build_settings()
    {
        var dockerfile = DeployArtifacts.ReadRepositoryText("deploy", "Dockerfile");
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            dockerfile.Should().Contain(file);
        }

        var projects = new Queue<string>(["CrampCds.Api"]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (projects.TryDequeue(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }

            dockerfile.Should().Contain($"COPY src/{project}/{project}.csproj src/{project}/").And.Contain($"COPY src/{project}/ src/{project}/");
            var csproj = XDocument.Load(DeployArtifacts.RepositoryPath("src", project, $"{project}.csproj"));
            foreach (var reference in csproj.Descendants("ProjectReference"))
            {
                projects.Enqueue(Path.GetFileNameWithoutExtension((string)reference.Attribute("Include")!));
            }
        }

        var ignored = DeployArtifacts.ReadRepositoryText(".dockerignore").Split('\n').Select(l => l.Trim()).ToArray();
        ignored.Should().Contain(["**/bin/", "**/obj/", ".git/", "tests/"]);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static CrampCdsOptions BindOptions(IReadOnlyDictionary<string, string> environment)
    {
        // As the environment-variable provider reads them: "__" separates sections.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value)))
            .Build();
        var options = configuration.GetSection(CrampCdsOptions.SectionName).Get<CrampCdsOptions>() ?? new CrampCdsOptions();
        options.Fhir.ServerAliases = ServerAliasReader.Read(configuration);
        return options;
    }

    private static IEnumerable<JsonNode> Containers(JsonNode pod, bool includeInit) =>
        pod["containers"]!.AsArray().Concat(includeInit && pod["initContainers"] is JsonArray init ? init : []).Select(c => c!);

    private static JsonNode MainContainer(JsonNode pod) => pod["containers"]!.AsArray().Single(c => (string?)c!["name"] == "crampcds")!;

    private static bool Selects(JsonObject selector, JsonObject labels) =>
        selector.Count > 0 && selector.All(p => labels.TryGetPropertyValue(p.Key, out var value) && (string?)value == (string?)p.Value);

    private sealed record Instruction(string Name, string Arguments);

    /// <summary>The Dockerfile's instructions, comments dropped and continuation lines joined.</summary>
    private static List<Instruction> DockerfileInstructions(string text)
    {
        var instructions = new List<Instruction>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1].Trim() + " ";
                continue;
            }

            current += line;
            if (current.Trim().Length > 0)
            {
                var match = InstructionPattern().Match(current.Trim());
                instructions.Add(new Instruction(match.Groups[1].Value.ToUpperInvariant(), match.Groups[2].Value.Trim()));
            }

            current = "";
        }

        return instructions;
    }

    [GeneratedRegex(@"^(\w+)\s+(.*)$", RegexOptions.Singleline)]
    private static partial Regex InstructionPattern();
}
