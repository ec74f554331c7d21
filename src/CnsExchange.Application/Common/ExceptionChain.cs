namespace CnsExchange.Application.Common;

public static class ExceptionChain
{
    /// <summary>The exception and every exception inside it, outermost first (none for null).</summary>
    public static IEnumerable<Exception> AndInner(this Exception? e)
    {
        for (var x = e; x is not null; x = x.InnerException) yield return x;
    }
}
