/* Monotone min-priority queue of (cost, item) shared by the relaxation
   heuristics (relaxation.pyx, lmcut.pyx); declared for Cython in
   cost_queue.pxd. */
#ifndef PLANNER_COST_QUEUE_H
#define PLANNER_COST_QUEUE_H
#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

/* Monotone min-priority queue of (cost, item) for Dijkstra-like
   explorations. Small integer costs go into buckets (O(1) push/pop, LIFO
   within a bucket); once a cost exceeds the bucket range the queue turns
   into a binary heap until cleared, so large action costs stay correct. */
struct CostQueue {
    static const int64_t kMaxBuckets = 1 << 16;
    std::vector<std::vector<int32_t> > buckets;
    std::vector<std::pair<int64_t, int32_t> > heap;
    size_t cur = 0;
    size_t count = 0;
    bool heap_mode = false;

    void push(int64_t cost, int32_t item) {
        if (!heap_mode) {
            if (cost < kMaxBuckets) {
                size_t c = (size_t)cost;
                if (c >= buckets.size()) buckets.resize(c + 1);
                if (c < cur) cur = c;
                buckets[c].push_back(item);
                ++count;
                return;
            }
            to_heap();
        }
        heap.emplace_back(cost, item);
        std::push_heap(heap.begin(), heap.end(),
                       std::greater<std::pair<int64_t, int32_t> >());
    }

    void to_heap() {
        for (size_t b = cur; b < buckets.size(); ++b) {
            for (int32_t item : buckets[b]) heap.emplace_back((int64_t)b, item);
            buckets[b].clear();
        }
        std::make_heap(heap.begin(), heap.end(),
                       std::greater<std::pair<int64_t, int32_t> >());
        heap_mode = true;
        count = 0;
        cur = 0;
    }

    bool empty() const { return heap_mode ? heap.empty() : count == 0; }

    std::pair<int64_t, int32_t> pop() {
        if (heap_mode) {
            std::pop_heap(heap.begin(), heap.end(),
                          std::greater<std::pair<int64_t, int32_t> >());
            std::pair<int64_t, int32_t> top = heap.back();
            heap.pop_back();
            return top;
        }
        while (buckets[cur].empty()) ++cur;
        int32_t item = buckets[cur].back();
        buckets[cur].pop_back();
        --count;
        return std::pair<int64_t, int32_t>((int64_t)cur, item);
    }

    void clear() {
        if (!heap_mode) {
            for (size_t b = cur; b < buckets.size() && count > 0; ++b) {
                count -= buckets[b].size();
                buckets[b].clear();
            }
        }
        heap.clear();
        heap_mode = false;
        cur = 0;
        count = 0;
    }
};

#endif
