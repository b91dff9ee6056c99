import CSystem

#if canImport(Glibc)
    import Glibc
#endif

extension EventLoop {
    /// Registers or modifies a service's descriptor. libpq may have replaced its socket by one
    /// with the same number (the old registration vanished with the old socket): then modifying
    /// fails with ENOENT and the descriptor is added afresh.
    func watch(_ descriptor: Int32, interest: Selector.Interest, service: Int) throws {
        var code = self.selector.control(
            self.serviceDescriptors[descriptor] == nil ? EPOLL_CTL_ADD : EPOLL_CTL_MOD,
            descriptor,
            interest: interest
        )
        if code == ENOENT {
            code = self.selector.control(EPOLL_CTL_ADD, descriptor, interest: interest)
        } else if code == EEXIST {
            code = self.selector.control(EPOLL_CTL_MOD, descriptor, interest: interest)
        }
        guard code == 0 else {
            self.serviceDescriptors[descriptor] = nil
            throw IOError(errnoCode: code, call: "epoll_ctl(service descriptor)")
        }
        self.serviceDescriptors[descriptor] = (service, interest)
    }

    /// Forgets a service's descriptor. It may already be closed (libpq closes a broken
    /// connection's socket itself), which also removed it from epoll: errors are expected.
    func unwatch(_ descriptor: Int32) {
        guard self.serviceDescriptors.removeValue(forKey: descriptor) != nil else { return }
        _ = self.selector.control(EPOLL_CTL_DEL, descriptor, interest: .none)
    }
}
