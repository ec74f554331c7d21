using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Vouchers;

/// <summary>What an authorisation voucher (cure, rehabilitation) covers: one act, its sessions or days, rate and dates.</summary>
/// <param name="EarliestBillable">First date a session may be billed (the request date, or the admission for a stay already begun).</param>
/// <param name="TreatmentStartBy">The care must start on or before this date.</param>
public sealed record AuthorisationVoucherTerms(
    VoucherKind Kind,
    string Category,
    DateOnly EarliestBillable,
    DateOnly IssuedOn,
    DateOnly TreatmentStartBy,
    DateOnly ValidUntil,
    bool ThirdPartyPayment,
    string ActCode,
    int Sessions,
    decimal RatePercent);

/// <summary>Issues the voucher of an agreed authorisation; it is stored with the request by the pipeline's save.</summary>
public static class CareVouchers
{
    public static async Task<Voucher> AddAsync(IAppDbContext db, ReferenceCatalog catalog, CareRequest request, AuthorisationVoucherTerms terms,
        DateTimeOffset now, CancellationToken ct)
    {
        var sequence = await db.NextSequenceValueAsync(Sequences.VoucherNumber, ct);
        var voucherId = Guid.CreateVersion7(now);
        var voucher = new Voucher
        {
            Id = voucherId,
            Number = VoucherNumber.Format(terms.Kind, terms.IssuedOn.Year, sequence),
            Kind = terms.Kind,
            ProviderId = request.ProviderId,
            InsuredId = request.InsuredId ?? throw new InvalidOperationException("An agreed request has a known insured person."),
            Matricule = request.Matricule,
            SourceRequestId = request.Id,
            Category = terms.Category,
            PrescriptionDate = terms.EarliestBillable,
            IssuedOn = terms.IssuedOn,
            TreatmentStartBy = terms.TreatmentStartBy,
            ValidUntil = terms.ValidUntil,
            ThirdPartyPayment = terms.ThirdPartyPayment,
            AccidentCase = false,
            CreatedAt = now,
            Services =
            [
                new VoucherService
                {
                    Id = Guid.CreateVersion7(now),
                    VoucherId = voucherId,
                    ActCode = terms.ActCode,
                    SessionsGranted = terms.Sessions,
                    RatePercent = terms.RatePercent,
                    TariffOnIssue = catalog.TariffOn(terms.ActCode, terms.IssuedOn)
                                    ?? throw new InvalidOperationException($"Act {terms.ActCode} has no tariff on {terms.IssuedOn:yyyy-MM-dd}."),
                },
            ],
        };
        db.Vouchers.Add(voucher);
        return voucher;
    }
}
