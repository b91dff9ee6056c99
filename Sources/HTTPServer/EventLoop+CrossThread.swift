import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Marks the threads that run an event loop, for ``isLoopThread``.
    static let loopThreadKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Whether the calling thread runs an event loop.
    static var isLoopThread: Bool {
        pthread_getspecific(Self.loopThreadKey) != nil
    }

    /// Whether the calling thread runs this loop.
    private var isOwnThread: Bool {
        pthread_getspecific(Self.loopThreadKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Hands a response to the loop: straight into the round's list on the loop thread, else
    /// through ``complete(_:)``.
    func deliver(_ completion: Completion) {
        if self.isOwnThread {
            self.localCompletions.append(completion)
        } else {
            self.complete(completion)
        }
    }

    /// Hands a handler's response back to the loop. Any thread.
    func complete(_ completion: Completion) {
        self.completions.withLock { state in
            guard !state.isClosed else { return }
            state.pending.append(completion)
            // One wake-up per batch: the loop takes the whole list after each wake-up, so a list
            // that was already non-empty has a wake-up on its way.
            if state.pending.count == 1 {
                Selector.wake(self.selector.wakeDescriptor)
            }
        }
    }

    /// Asks the loop to stop: gracefully (stop accepting, finish in-flight requests within the
    /// drain timeout, close idle connections) or at once. Any thread.
    func stop(graceful: Bool) {
        let request = graceful ? StopRequest.graceful : StopRequest.immediate
        _ = self.stopRequest.max(request.rawValue, ordering: .relaxed)
        self.completions.withLock { state in
            if !state.isClosed {
                Selector.wake(self.selector.wakeDescriptor)
            }
        }
    }
}
