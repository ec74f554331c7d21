using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Physio.Rules;
using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Validation;

/// <summary>
/// Issues the voucher of an agreed prescription. Its fingerprints go in with it under a unique key, so when two
/// submissions of one prescription race, the database lets one voucher through and the other learns its number (VAL-14).
/// </summary>
public static class PhysioVouchers
{
    /// <summary>Name of the unique key on prescription fingerprints (Infrastructure maps it).</summary>
    public const string FingerprintKey = "pk_prescription_fingerprints";

    public sealed record Issue(Voucher? Voucher, string? ExistingVoucherNumber);

    /// <summary>The number of a voucher already issued for one of these fingerprints, if any.</summary>
    public static Task<string?> FindExistingAsync(IAppDbContext db, IReadOnlyCollection<string> fingerprints, CancellationToken ct) =>
        db.Set<PrescriptionFingerprint>().AsNoTracking().Where(f => fingerprints.Contains(f.Fingerprint))
            .OrderBy(f => f.CreatedAt).Select(f => f.VoucherNumber).FirstOrDefaultAsync(ct);

    public static string[] Fingerprints(ValidationRequest request) =>
        [request.PrescriptionFingerprint, DuplicatePrescription.ScanFingerprint(request.ScanSha256)];

    /// <summary>True when the database refused a voucher because another one already holds one of its fingerprints.</summary>
    public static bool IsFingerprintTaken(DbUpdateException e) => e.IsUniqueViolation(FingerprintKey);

    /// <summary>
    /// Adds the voucher of an agreed prescription and its fingerprints to the unit of work; they are stored by the caller's
    /// save, where the unique key on the fingerprints refuses a second voucher for one prescription (<see cref="IsFingerprintTaken"/>).
    /// </summary>
    public static async Task<Voucher> AddAsync(IAppDbContext db, ReferenceCatalog catalog, ValidationRequest request, ServiceGrant grant, int sessions,
        DateOnly issuedOn, DateTimeOffset now, CancellationToken ct, long? sequence = null)
    {
        var terms = PhysioVoucherTerms.For(grant.Category, issuedOn, catalog);
        var voucher = await CareVouchers.AddAsync(db, catalog, request, new AuthorisationVoucherTerms(VoucherKind.Physiotherapy, grant.Category.Code(),
            request.PrescriptionDate, terms.IssuedOn, terms.TreatmentStartBy, terms.ValidUntil, grant.ThirdPartyPayment, grant.ActCode, sessions, grant.RatePercent)
        {
            AccidentCase = grant.AccidentCase,
            TravelAllowance = grant.TravelAllowance,
        }, now, ct, sequence);
        foreach (var f in Fingerprints(request).Order(StringComparer.Ordinal))
            db.Set<PrescriptionFingerprint>().Add(new PrescriptionFingerprint { Fingerprint = f, VoucherId = voucher.Id, VoucherNumber = voucher.Number, RequestId = request.Id, CreatedAt = now });
        return voucher;
    }

    /// <summary>
    /// Adds and saves the voucher at once (a reviewer agreeing). Must run inside a transaction: a refused insert rolls back
    /// to EF's savepoint, the transaction goes on, and the number of the voucher that won is returned instead.
    /// </summary>
    public static async Task<Issue> TryIssueAsync(IAppDbContext db, ReferenceCatalog catalog, ValidationRequest request, ServiceGrant grant, int sessions,
        DateOnly issuedOn, DateTimeOffset now, CancellationToken ct)
    {
        var voucher = await AddAsync(db, catalog, request, grant, sessions, issuedOn, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
            return new Issue(voucher, null);
        }
        catch (DbUpdateException e) when (IsFingerprintTaken(e))
        {
            // Another voucher won the race for this prescription; EF rolled back to its savepoint.
            db.Vouchers.Entry(voucher).State = EntityState.Detached;
            foreach (var service in voucher.Services) db.Set<VoucherService>().Entry(service).State = EntityState.Detached;
            foreach (var f in db.Set<PrescriptionFingerprint>().Local.Where(f => f.VoucherId == voucher.Id).ToList())
                db.Set<PrescriptionFingerprint>().Entry(f).State = EntityState.Detached;
            var existing = await FindExistingAsync(db, Fingerprints(request), ct);
            return new Issue(null, existing ?? throw new InvalidOperationException("Fingerprint conflict without an existing voucher."));
        }
    }
}
