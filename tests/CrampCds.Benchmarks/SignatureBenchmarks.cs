using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace CrampCds.Benchmarks;

/// <summary>
/// What one JWT signature check costs on this machine, whatever the service does around it: the floor under the
/// load test's "with JWT" row, where every request brings a token that must be verified (its jti is new).
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks : IDisposable
{
    private readonly byte[] _signedPart = new byte[600];
    private ECDsa _es384 = null!;
    private RSA _rs384 = null!;
    private byte[] _es384Signature = [];
    private byte[] _rs384Signature = [];

    [GlobalSetup]
    public void Setup()
    {
        RandomNumberGenerator.Fill(_signedPart);
        _es384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        _es384Signature = _es384.SignData(_signedPart, HashAlgorithmName.SHA384);
        _rs384 = RSA.Create(2048);
        _rs384Signature = _rs384.SignData(_signedPart, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _es384?.Dispose();
        _rs384?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "RS384 verify (2048-bit)")]
    public bool Rs384() => _rs384.VerifyData(_signedPart, _rs384Signature, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "ES384 verify (P-384)")]
    public bool Es384() => _es384.VerifyData(_signedPart, _es384Signature, HashAlgorithmName.SHA384);
}
