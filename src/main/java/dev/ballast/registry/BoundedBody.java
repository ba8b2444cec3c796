package dev.ballast.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body into memory, never more than a limit: a successful answer that announces
 * ({@code Content-Length}) or streams more than its limit ends the exchange with {@link TooLarge}; an
 * error answer is cut at its (smaller) limit, since only its first error entry is read. Cancelling the
 * subscription closes the connection, so the rest of a hostile body is never received.
 */
final class BoundedBody {

    /** An answer larger than the limit, announced by {@code Content-Length} or found while reading. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        TooLarge(long limit, boolean announced) {
            super((announced ? "announced a body over " : "sent a body over ") + limit + " bytes");
            this.limit = limit;
        }

        long limit() {
            return limit;
        }
    }

    private BoundedBody() {}

    /**
     * A handler reading at most {@code successLimit} bytes of a 2xx answer (failing beyond) and at most
     * {@code errorLimit} bytes of any other (cutting beyond). HEAD answers carry no body whatever their
     * {@code Content-Length} says.
     */
    static HttpResponse.BodyHandler<byte[]> handler(String method, long successLimit, long errorLimit) {
        return info -> {
            boolean success = info.statusCode() / 100 == 2;
            long limit = success ? successLimit : errorLimit;
            boolean announcedTooLarge =
                    success && !method.equals("HEAD") && contentLength(info).orElse(0) > limit;
            return new Subscriber(limit, !success, announcedTooLarge);
        };
    }

    private static OptionalLong contentLength(HttpResponse.ResponseInfo info) {
        try {
            return info.headers().firstValueAsLong("Content-Length");
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final long limit;
        private final boolean cut;
        private final boolean rejectAtOnce;
        private Flow.Subscription subscription;

        Subscriber(long limit, boolean cut, boolean rejectAtOnce) {
            this.limit = limit;
            this.cut = cut;
            this.rejectAtOnce = rejectAtOnce;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (rejectAtOnce) {
                s.cancel();
                result.completeExceptionally(new TooLarge(limit, true));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                long room = limit - out.size();
                if (b.remaining() > room) {
                    subscription.cancel();
                    if (cut) {
                        write(b, (int) room);
                        result.complete(out.toByteArray());
                    } else {
                        result.completeExceptionally(new TooLarge(limit, false));
                    }
                    return;
                }
                write(b, b.remaining());
            }
            subscription.request(1);
        }

        private void write(ByteBuffer b, int n) {
            byte[] chunk = new byte[n];
            b.get(chunk);
            out.write(chunk, 0, n);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
