using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.Reference;

public sealed record CureKindDto(
    string Code, CureFamily Family, CareSetting Setting, string Nature, LabelDto Label, decimal RatePercent, int? Sessions,
    int? SessionWindowMonths, int WaitMonths, string WaitRule, int? MaxCuresPerInsured, bool RequiresAffectedSide, bool StayAllowance,
    DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record S2CountryDto(string Code, string Group, LabelDto Name, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record StayAllowanceDto(string Code, string Unit, decimal Amount, string? Municipality, LabelDto Label, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record HospitalTariffDto(string Item, decimal Amount, LabelDto Label, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record RehabilitationKindDto(string Code, RehabService Service, CareSetting Setting, bool AuthorisationRequired, string? ActCode,
    IReadOnlyList<ProviderKind> RequestedBy, LabelDto Label, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record GetCureKinds : IQuery<ReferenceList<CureKindDto>>;

public sealed record GetS2Countries : IQuery<ReferenceList<S2CountryDto>>;

public sealed record GetStayAllowances : IQuery<ReferenceList<StayAllowanceDto>>;

public sealed record GetHospitalTariffs : IQuery<ReferenceList<HospitalTariffDto>>;

public sealed record GetRehabilitationKinds : IQuery<ReferenceList<RehabilitationKindDto>>;

/// <summary>Reference data of cures, rehabilitation and hospital stays (RULES.md §1, §5–7).</summary>
public sealed class CareReferenceQueryHandlers(IReferenceData reference) :
    IQueryHandler<GetCureKinds, ReferenceList<CureKindDto>>,
    IQueryHandler<GetS2Countries, ReferenceList<S2CountryDto>>,
    IQueryHandler<GetStayAllowances, ReferenceList<StayAllowanceDto>>,
    IQueryHandler<GetHospitalTariffs, ReferenceList<HospitalTariffDto>>,
    IQueryHandler<GetRehabilitationKinds, ReferenceList<RehabilitationKindDto>>
{
    private ReferenceCatalog Catalog => reference.Catalog;

    private static LabelDto Label(LocalizedText t) => new(t.Fr, t.De, t.En);

    private ValueTask<ReferenceList<T>> List<T>(IEnumerable<T> items) => ValueTask.FromResult(new ReferenceList<T>(Catalog.Version, items.ToList()));

    public ValueTask<ReferenceList<CureKindDto>> Handle(GetCureKinds query, CancellationToken ct) =>
        List(Catalog.CureKinds.Select(k => new CureKindDto(k.Code, k.Family, k.Setting, k.Nature, Label(k.Label), k.RatePercent, k.Sessions,
            k.SessionWindowMonths, k.WaitMonths, k.WaitRule, k.MaxCuresPerInsured, k.RequiresAffectedSide, k.StayAllowance, k.ValidFrom, k.ValidTo)));

    public ValueTask<ReferenceList<S2CountryDto>> Handle(GetS2Countries query, CancellationToken ct) =>
        List(Catalog.S2Countries.OrderBy(c => c.Code).Select(c => new S2CountryDto(c.Code, c.Group, Label(c.Name), c.ValidFrom, c.ValidTo)));

    public ValueTask<ReferenceList<StayAllowanceDto>> Handle(GetStayAllowances query, CancellationToken ct) =>
        List(Catalog.StayAllowances.Select(a => new StayAllowanceDto(a.Code, a.Unit, a.Amount, a.Municipality, Label(a.Label), a.ValidFrom, a.ValidTo)));

    public ValueTask<ReferenceList<HospitalTariffDto>> Handle(GetHospitalTariffs query, CancellationToken ct) =>
        List(Catalog.HospitalTariffs.Select(t => new HospitalTariffDto(t.Item, t.Amount, Label(t.Label), t.ValidFrom, t.ValidTo)));

    public ValueTask<ReferenceList<RehabilitationKindDto>> Handle(GetRehabilitationKinds query, CancellationToken ct) =>
        List(Catalog.RehabilitationKinds.Select(k => new RehabilitationKindDto(k.Code, k.Service, k.Setting, k.AuthorisationRequired, k.ActCode, k.RequestedBy, Label(k.Label), k.ValidFrom, k.ValidTo)));
}
