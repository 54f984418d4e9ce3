// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "net/netcfg.h"

#define SUBSYS "netcfg"

struct netcfg {
	struct log *log;
	struct nl_sock *sk;
	int ifindex;
	bool configured, mtu_changed;
	uint32_t addr, gateway;
	uint8_t prefix;
	uint32_t old_mtu;
};

int netcfg_new(int ifindex, struct log *log, struct netcfg **out)
{
	struct netcfg *nc = calloc(1, sizeof(*nc));
	int ret;

	if (!nc)
		return -ENOMEM;
	nc->log = log;
	nc->ifindex = ifindex;
	nc->sk = nl_socket_alloc();
	if (!nc->sk) {
		free(nc);
		return -ENOMEM;
	}
	ret = nl_connect(nc->sk, NETLINK_ROUTE);
	if (ret < 0) {
		nl_socket_free(nc->sk);
		free(nc);
		return -EIO;
	}
	*out = nc;
	return 0;
}

static struct nl_addr *nl_inet_addr(uint32_t a, uint8_t prefix)
{
	struct nl_addr *na = nl_addr_build(AF_INET, &a, 4);

	if (na)
		nl_addr_set_prefixlen(na, prefix);
	return na;
}

static int link_change(struct netcfg *nc, uint32_t mtu, bool up,
		       uint32_t *old_mtu)
{
	struct rtnl_link *link = NULL, *change;
	int ret;

	ret = rtnl_link_get_kernel(nc->sk, nc->ifindex, NULL, &link);
	if (ret < 0)
		return -EIO;
	if (old_mtu)
		*old_mtu = rtnl_link_get_mtu(link);
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(link);
		return -ENOMEM;
	}
	if (mtu)
		rtnl_link_set_mtu(change, mtu);
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	ret = rtnl_link_change(nc->sk, link, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(link);
	return ret < 0 ? -EIO : 0;
}

int netcfg_link_up(struct netcfg *nc)
{
	return link_change(nc, 0, true, NULL);
}

static int route_op(struct netcfg *nc, uint32_t gateway, bool add)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_inet_addr(0, 0), *gw = nl_inet_addr(gateway, 32);
	int ret = -ENOMEM;

	if (r && nh && dst && gw) {
		rtnl_route_set_family(r, AF_INET);
		rtnl_route_set_table(r, RT_TABLE_MAIN);
		rtnl_route_set_protocol(r, RTPROT_DHCP);
		rtnl_route_set_dst(r, dst);
		rtnl_route_nh_set_ifindex(nh, nc->ifindex);
		rtnl_route_nh_set_gateway(nh, gw);
		rtnl_route_add_nexthop(r, nh);
		nh = NULL;
		ret = add ? rtnl_route_add(nc->sk, r, NLM_F_REPLACE) :
			    rtnl_route_delete(nc->sk, r, 0);
		ret = ret < 0 ? -EIO : 0;
	}
	if (nh)
		rtnl_route_nh_free(nh);
	if (r)
		rtnl_route_put(r);
	nl_addr_put(dst);
	nl_addr_put(gw);
	return ret;
}

static int addr_op(struct netcfg *nc, uint32_t addr, uint8_t prefix,
		   bool add)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_inet_addr(addr, prefix), *bcast = NULL;
	uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	int ret = -ENOMEM;

	if (prefix < 31)
		bcast = nl_inet_addr(addr | ~mask, 32);
	if (a && local) {
		rtnl_addr_set_ifindex(a, nc->ifindex);
		rtnl_addr_set_family(a, AF_INET);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_prefixlen(a, prefix);
		if (bcast)
			rtnl_addr_set_broadcast(a, bcast);
		ret = add ? rtnl_addr_add(nc->sk, a, NLM_F_REPLACE) :
			    rtnl_addr_delete(nc->sk, a, 0);
		ret = ret < 0 ? -EIO : 0;
	}
	if (a)
		rtnl_addr_put(a);
	nl_addr_put(local);
	if (bcast)
		nl_addr_put(bcast);
	return ret;
}

static const char *ip(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

int netcfg_apply(struct netcfg *nc, uint32_t addr, uint8_t prefix,
		 uint32_t gateway, uint16_t mtu)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	int ret;

	if (nc->configured && (nc->addr != addr || nc->prefix != prefix ||
			       nc->gateway != gateway))
		netcfg_remove(nc);
	ret = addr_op(nc, addr, prefix, true);
	if (ret < 0) {
		log_error(nc->log, SUBSYS, "cannot set the address",
			  LOG_STR("address", ip(addr, a)), LOG_ERRNO(ret));
		return ret;
	}
	nc->configured = true;
	nc->addr = addr;
	nc->prefix = prefix;
	nc->gateway = 0;
	if (gateway) {
		ret = route_op(nc, gateway, true);
		if (ret < 0)
			log_error(nc->log, SUBSYS,
				  "cannot set the default route",
				  LOG_STR("gateway", ip(gateway, g)),
				  LOG_ERRNO(ret));
		else
			nc->gateway = gateway;
	}
	if (mtu && !nc->mtu_changed) {
		ret = link_change(nc, mtu, false, &nc->old_mtu);
		if (ret < 0)
			log_warning(nc->log, SUBSYS, "cannot set the MTU",
				    LOG_UINT("mtu", mtu), LOG_ERRNO(ret));
		else
			nc->mtu_changed = true;
	}
	log_info(nc->log, SUBSYS, "interface configured",
		 LOG_STR("address", ip(addr, a)), LOG_UINT("prefix", prefix),
		 LOG_STR("gateway", gateway ? ip(gateway, g) : "none"),
		 LOG_UINT("mtu", mtu));
	return 0;
}

void netcfg_remove(struct netcfg *nc)
{
	char a[INET_ADDRSTRLEN];

	if (!nc || !nc->configured)
		return;
	if (nc->gateway)
		route_op(nc, nc->gateway, false);
	addr_op(nc, nc->addr, nc->prefix, false);
	if (nc->mtu_changed && nc->old_mtu)
		link_change(nc, nc->old_mtu, false, NULL);
	nc->mtu_changed = false;
	nc->configured = false;
	nc->gateway = 0;
	log_info(nc->log, SUBSYS, "interface unconfigured",
		 LOG_STR("address", ip(nc->addr, a)));
}

void netcfg_free(struct netcfg *nc)
{
	if (!nc)
		return;
	netcfg_remove(nc);
	nl_socket_free(nc->sk);
	free(nc);
}
