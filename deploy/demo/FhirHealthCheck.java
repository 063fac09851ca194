// Docker HEALTHCHECK for the HAPI FHIR container in docker-compose.yml. The HAPI image is distroless
// (no shell, no curl), but its Java runtime can run this single source file:
//   java /healthcheck/FhirHealthCheck.java http://127.0.0.1:8080/fhir/metadata
// Exit 0 when the URL answers 200 with a CapabilityStatement, else 1.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

public class FhirHealthCheck {
    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:8080/fhir/metadata";
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/fhir+json")
                .GET()
                .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().contains("CapabilityStatement")) {
                System.exit(0);
            }
            System.err.println("FHIR server not ready: HTTP " + response.statusCode());
        } catch (Exception e) {
            System.err.println("FHIR server not reachable: " + e);
        }
        System.exit(1);
    }
}
