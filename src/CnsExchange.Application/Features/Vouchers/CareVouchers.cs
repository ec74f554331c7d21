using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Vouchers;

/// <summary>What a voucher covers (an authorisation's: cure, rehabilitation; or a prescription's): one act, its sessions or days, rate and dates.</summary>
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
    decimal RatePercent)
{
    /// <summary>An accident-insurance case pays (physiotherapy, VAL-12).</summary>
    public bool AccidentCase { get; init; }

    /// <summary>The travel allowance is granted with the sessions (physiotherapy home visits).</summary>
    public bool TravelAllowance { get; init; }
}

/// <summary>Issues the voucher of an agreed request (authorisation or prescription); it is stored with the request by the caller's save.</summary>
public static class CareVouchers
{
    /// <param name="sequence">A number already drawn from the voucher sequence (with the request's facts), else one is drawn here.</param>
    public static async Task<Voucher> AddAsync(IAppDbContext db, ReferenceCatalog catalog, CareRequest request, AuthorisationVoucherTerms terms,
        DateTimeOffset now, CancellationToken ct, long? sequence = null)
    {
        sequence ??= await db.NextSequenceValueAsync(Sequences.VoucherNumber, ct);
        var voucherId = Guid.CreateVersion7();
        var voucher = new Voucher
        {
            Id = voucherId,
            Number = VoucherNumber.Format(terms.Kind, terms.IssuedOn.Year, sequence.Value),
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
            AccidentCase = terms.AccidentCase,
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
                    TravelAllowanceGranted = terms.TravelAllowance,
                },
            ],
        };
        db.Vouchers.Add(voucher);
        return voucher;
    }
}
