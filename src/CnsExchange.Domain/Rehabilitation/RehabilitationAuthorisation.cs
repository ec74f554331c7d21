using CnsExchange.Domain.Requests;

namespace CnsExchange.Domain.Rehabilitation;

/// <summary>
/// A rehabilitation centre's (or, for geriatric rehabilitation, a hospital's) request for a rehabilitation authorisation
/// (RULES.md §6), or the CNRFR affiliation check, which needs no authorisation (REH-01). Once agreed, the authorised
/// period; the voucher of kind Rehabilitation covers it and grows with each extension. The lifecycle is the one every
/// request shares.
/// </summary>
public sealed class RehabilitationAuthorisation : CareRequest
{
    public RehabilitationAuthorisation() => Kind = RequestKind.RehabilitationAuthorisation;

    /// <summary>CNRFR, GER_AMB, GER_STAT, SNRP_STAT, SNRP_AMB, SNRPO_STAT, SNRPO_AMB (rehabilitation-kinds.json).</summary>
    public required string KindCode { get; set; }
    public RehabService Service { get; set; }
    public CareSetting Setting { get; set; }
    /// <summary>The requesting doctor (optional for the CNRFR check).</summary>
    public string? DoctorCode { get; set; }
    /// <summary>First day (the admission day for geriatric stationary rehabilitation and the CNRFR).</summary>
    public DateOnly Start { get; set; }
    /// <summary>Geriatric ambulatory and cardiac: last day asked for; Colpach ambulatory: last day of the programme (REH-06, optional).</summary>
    public DateOnly? End { get; set; }
    /// <summary>Days asked for (geriatric stationary: null = the full period; Colpach: required).</summary>
    public int? Days { get; set; }
    public bool DifferentPathology { get; set; }
    public bool StableClinicalState { get; set; }
    public bool FunctionalLimitationsAttested { get; set; }
    public DateOnly? AcuteTherapyEnd { get; set; }
    /// <summary>Cardiac rehabilitation (REH-07): the cardiac event or surgery it follows.</summary>
    public DateOnly? CardiacEventDate { get; set; }
    /// <summary>Hospital stays declared with evidence (geriatric ambulatory, REH-02).</summary>
    public List<DeclaredHospitalStay> DeclaredStays { get; set; } = [];

    /// <summary>Authorised period (agreed; while pending, what an agreement would authorise).</summary>
    public DateOnly? AuthorisedFrom { get; set; }
    public DateOnly? AuthorisedTo { get; set; }
    public decimal? RatePercent { get; set; }
    public bool ThirdPartyPayment { get; set; }
    public int ExtensionsGranted { get; set; }
    public int ExtensionsLeft { get; set; }

    public List<RehabilitationExtension> Extensions { get; set; } = [];

    public RehabAuthorisationTerms? Terms
    {
        get => AuthorisedFrom is { } from && AuthorisedTo is { } to && RatePercent is { } rate
            ? new RehabAuthorisationTerms(from, to, rate, ThirdPartyPayment, ExtensionsGranted, ExtensionsLeft, IsColpachAmbulatory ? Days : null)
            : null;
        set
        {
            AuthorisedFrom = value?.From;
            AuthorisedTo = value?.To;
            RatePercent = value?.RatePercent;
            ThirdPartyPayment = value?.ThirdPartyPayment ?? false;
            ExtensionsGranted = value?.ExtensionsGranted ?? 0;
            ExtensionsLeft = value?.ExtensionsLeft ?? 0;
        }
    }

    public bool IsColpach => Service is RehabService.Snrp or RehabService.Snrpo;

    /// <summary>REH-06: the days asked are treatment days spread over the authorised period.</summary>
    public bool IsColpachAmbulatory => IsColpach && Setting == CareSetting.Ambulatory;
}

/// <summary>A hospital stay the requester declares, with the evidence a reviewer checks (discharge letter, report reference).</summary>
public sealed record DeclaredHospitalStay(DateOnly Admission, DateOnly Discharge, string? Hospital, string Evidence)
{
    public HospitalStayFact ToFact() => new(Admission, Discharge, Declared: true);
}

/// <summary>An extension asked for a geriatric stationary authorisation (REH-03), granted or refused with reasons.</summary>
public sealed class RehabilitationExtension
{
    public Guid Id { get; set; }
    public Guid AuthorisationId { get; set; }
    /// <summary>1, 2, 3… in the order asked.</summary>
    public int Sequence { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateOnly RequestedOn { get; set; }
    public required string RequestedBy { get; set; }
    public int Days { get; set; }
    public bool Granted { get; set; }
    /// <summary>Last authorised day before and after (unchanged when refused).</summary>
    public DateOnly PreviousTo { get; set; }
    public DateOnly NewTo { get; set; }
    public List<Reason> Reasons { get; set; } = [];
}
