using System.Globalization;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Physio.Rules;

namespace CnsExchange.Application.Features.Validation;

/// <summary>
/// The rule set of physiotherapy prescription validation (RULES.md §2): VAL-01…VAL-16 by <see cref="PrescriptionEvaluator"/>
/// over the facts gathered here; the voucher goes in with the prescription's fingerprints, so the database refuses a
/// second voucher for one prescription (VAL-14).
/// </summary>
public sealed class PhysioValidationRuleSet(IAppDbContext db, IPhysioFactsReader factsReader) : RequestRuleSet<ValidationRequest>
{
    public override RequestKind Kind => RequestKind.PhysioValidation;
    public override string Name => "Validation request";
    protected override string Route => ValidationRequestViews.Route;
    protected override string WorkingDaysParameter => DecisionDeadline.WorkingDaysParameter;

    /// <summary>Insured person, doctor and an existing voucher for the prescription, in one round trip.</summary>
    protected override async Task<RequestFacts?> GatherFactsAsync(ValidationRequest request, CancellationToken ct) =>
        await factsReader.ReadAsync(request.Matricule, request.DoctorCode, PhysioVouchers.Fingerprints(request), ct);

    protected override async Task<AutomaticDecision> EvaluateAsync(ValidationRequest request, RequestContext context, CancellationToken ct)
    {
        var rx = request.ToPrescription();
        var known = context.Facts as PhysioFacts ?? (PhysioFacts)(await GatherFactsAsync(request, ct))!;
        var doctor = rx.Doctor.Code is null ? null : known.Doctor;
        request.DoctorCountry = doctor?.Country ?? rx.Doctor.Country;
        var facts = new ValidationFacts(context.Today, rx, context.Insured, doctor, known.ExistingVoucherNumber, context.Catalog)
        {
            ExistingVoucherIsOwn = known.ExistingVoucherProviderId == request.ProviderId,
            ExistingVoucherMatchedScan = known.ExistingVoucherMatchedScan,
            RequestedByInsured = request.RequestedByInsured,
        };
        request.ForeignPrescription = facts.IsForeignPrescription;
        return request.TakeEvaluation(PrescriptionEvaluator.Evaluate(facts));
    }

    protected override async Task<VoucherIssue> IssueVoucherAsync(ValidationRequest request, int? sessions, RequestContext context, CancellationToken ct)
    {
        var grant = request.Grant ?? throw new InvalidOperationException("An agreed request carries what the agreement grants.");
        var granted = sessions ?? grant.Sessions;
        if (granted > grant.Sessions)
            throw new UnprocessableException("sessions_above_grant", $"At most {grant.Sessions} sessions can be granted for this prescription.");

        if (context.Mode == IssueMode.Automatic)
        {
            // Stored by the pipeline's one save; a voucher that loses the VAL-14 race there is decided again (IsLostRace).
            // With the number drawn by the facts' round trip.
            var added = await PhysioVouchers.AddAsync(db, context.Catalog, request, grant, granted, context.Today, context.Now, ct,
                (context.Facts as PhysioFacts)?.VoucherSequence);
            request.GrantSessions = granted;
            return VoucherIssue.Issued(added);
        }
        var issue = await PhysioVouchers.TryIssueAsync(db, context.Catalog, request, grant, granted, context.Today, context.Now, ct);
        if (issue.Voucher is not { } voucher)
            throw new ConflictException("duplicate_prescription", $"This prescription already has a voucher ({issue.ExistingVoucherNumber}); refuse the request with DUPLICATE_PRESCRIPTION.");
        request.GrantSessions = granted;
        return granted < grant.Sessions
            ? VoucherIssue.Issued(voucher, Reason.Reduction(RequestLifecycle.SessionsReducedByReviewer, RequestLifecycle.Rule, "sessions", granted.ToString(CultureInfo.InvariantCulture)))
            : VoucherIssue.Issued(voucher);
    }

    /// <summary>The rules lock nothing: a second voucher for one prescription is refused by the fingerprints' unique key.</summary>
    public override bool DecidesWithoutLocks => true;

    /// <summary>VAL-14: another submission of the same prescription got its voucher first.</summary>
    protected override bool IsLostRace(DbUpdateException e) => PhysioVouchers.IsFingerprintTaken(e);

    protected override string Subject(ValidationRequest request) =>
        $"{request.ActCode} × {request.SessionsPrescribed} ({request.Category.Code()}){(request.ForeignPrescription ? ", foreign prescription" : "")}";
}
