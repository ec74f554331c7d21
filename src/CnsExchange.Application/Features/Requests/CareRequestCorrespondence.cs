namespace CnsExchange.Application.Features.Requests;

/// <summary>The body of a cancellation (every kind): an optional note.</summary>
public sealed record CancelInput([MultiLineText] string? Note) : IHasOpenApiExample
{
    public static object Example => new CancelInput("The patient moved abroad.");
}

/// <summary>The body of an answer to a reviewer's request for information (every kind).</summary>
public sealed record InformationAnswerInput([MultiLineText] string? Answer) : IHasOpenApiExample
{
    public static object Example => new InformationAnswerInput("The surgery took place on 2026-10-02 (report attached to the patient file).");
}

/// <summary>
/// A provider withdraws its own request of any kind (physiotherapy validation, rehabilitation) that has no decision yet:
/// <see cref="RequestPipeline.CancelAsync"/>. The body is optional; its note, when given, is at most 2,000 characters.
/// </summary>
public interface ICancelCareRequest
{
    CancelInput? Body { get; }
}

/// <summary>
/// A provider answers the reviewer's request for information on its own request of any kind:
/// <see cref="RequestPipeline.AnswerInformationAsync"/>. The answer is required, at most 2,000 characters.
/// </summary>
public interface IAnswerCareRequest
{
    InformationAnswerInput? Body { get; }
}

/// <summary>The input rules of every kind's cancellation, written once.</summary>
public abstract class CancelCareRequestValidator<TCommand> : AbstractValidator<TCommand> where TCommand : ICancelCareRequest
{
    protected CancelCareRequestValidator() =>
        RuleFor(x => x.Body!.Note).MaximumLength(2000).When(x => x.Body is not null).OverridePropertyName("note");
}

/// <summary>The input rules of every kind's answer to a request for information, written once.</summary>
public abstract class AnswerCareRequestValidator<TCommand> : AbstractValidator<TCommand> where TCommand : IAnswerCareRequest
{
    protected AnswerCareRequestValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'answer' is required.");
        RuleFor(x => x.Body!.Answer).NotEmpty().MaximumLength(2000).When(x => x.Body is not null).OverridePropertyName("answer");
    }
}
