// Shared by every fragment shader of the world: light, lamps and height fog.
// The world root sets all of these inputs each frame from the EnvironmentState.

uniform vec3 u_sun_dir;          // unit vector toward the sun, world space
uniform vec3 u_sun_color;        // colour * intensity
uniform vec3 u_ambient;          // colour * intensity
uniform vec4 u_fog_color;
uniform vec4 u_fog;              // x: density per metre at z = 0, y: scale height (m)
uniform float u_lamp_count;      // lamps in use (float: Panda3D passes numbers as floats)
uniform vec4 u_lamp_pos[8];      // xyz world position, w range (m)
uniform vec4 u_lamp_color[8];    // rgb colour * intensity * opacity
uniform vec4 u_lamp_dir[8];      // xyz spot direction, w cos(cone) (point light: -2, -3 indoors)

// Light of lamp i arriving at p (its colour times its fall-off with distance, its cone
// and, indoors, the walls), and the unit direction l toward it.
vec3 lamp_reach(int i, vec3 p, out vec3 l) {
    vec3 d = u_lamp_pos[i].xyz - p;
    float dist = max(length(d), 0.05);
    float range = u_lamp_pos[i].w;
    float att = clamp(1.0 - (dist * dist) / (range * range), 0.0, 1.0);
    att *= att;
    l = d / dist;
    if (u_lamp_dir[i].w < -2.5) att *= 0.2;   // indoors: only what the windows let out
    if (u_lamp_dir[i].w > -1.5) {
        float cosang = dot(-l, u_lamp_dir[i].xyz);
        att *= smoothstep(u_lamp_dir[i].w, mix(u_lamp_dir[i].w, 1.0, 0.3), cosang);
    }
    return u_lamp_color[i].rgb * att;
}

vec3 lamp_light(vec3 p, vec3 n, float wrap) {
    // wrap = 0: ordinary diffuse; wrap = 1: light passes through (paper windows)
    vec3 c = vec3(0.0);
    for (int i = 0; i < 8; ++i) {
        if (float(i) >= u_lamp_count) break;
        vec3 l;
        vec3 reach = lamp_reach(i, p, l);
        c += reach * mix(max(dot(n, l), 0.0), 1.0, wrap);
    }
    return c;
}

// Light that passes through paper (windows): only from lamps behind the surface, so a
// lamp inside a house lights its own windows and not those across the lane.
vec3 lamp_through(vec3 p, vec3 n) {
    vec3 c = vec3(0.0);
    for (int i = 0; i < 8; ++i) {
        if (float(i) >= u_lamp_count) break;
        vec3 d = u_lamp_pos[i].xyz - p;
        float dist = max(length(d), 0.05);
        // a lamp lights the paper of its own room: a few metres, whatever its range outdoors
        float range = min(u_lamp_pos[i].w, 3.5);
        float att = clamp(1.0 - (dist * dist) / (range * range), 0.0, 1.0);
        float behind = dot(-n, d / dist);
        c += u_lamp_color[i].rgb * att * att * (behind > 0.0 ? 0.4 + 0.6 * behind : 0.0);
    }
    return c;
}

// Optical depth of exponential height fog between the camera and p: denser near
// the water and the valley floor, thin toward the peaks (aerial perspective).
float fog_depth(vec3 cam, vec3 p) {
    float h = u_fog.y;
    float zc = max(cam.z, 0.0);
    float zp = max(p.z, 0.0);
    float dz = zp - zc;
    float f = abs(dz) > 0.05 ? (exp(-zc / h) - exp(-zp / h)) * h / dz : exp(-zc / h);
    return u_fog.x * length(p - cam) * f;
}

// A soft shoulder instead of clipping: sunlit snow keeps its shading.
vec3 tone(vec3 c) {
    vec3 over = max(c - 0.75, 0.0);
    return min(c, 0.75) + 0.25 * (1.0 - exp(-over / 0.25));
}

vec3 apply_fog(vec3 color, vec3 cam, vec3 p) {
    float k = exp(-fog_depth(cam, p));
    return tone(mix(u_fog_color.rgb, color, k));
}

// Per-vertex light for both faces of a surface in one pass over the lamps (sun, sky
// ambient and lamps; Gouraud): the software rasterizer pays for every instruction per
// pixel, while the world's surfaces are tessellated finely enough that light varies
// smoothly between vertices. The fragment shader picks the face it sees.
void lighting_faces(vec3 p, vec3 n, out vec3 front, out vec3 back) {
    float sun = dot(n, u_sun_dir);
    front = u_ambient * (0.8 + 0.3 * n.z) + u_sun_color * max(sun, 0.0);
    back = u_ambient * (0.8 - 0.3 * n.z) + u_sun_color * max(-sun, 0.0);
    for (int i = 0; i < 8; ++i) {
        if (float(i) >= u_lamp_count) break;
        vec3 l;
        vec3 reach = lamp_reach(i, p, l);
        float ndl = dot(n, l);
        front += reach * max(ndl, 0.0);
        back += reach * max(-ndl, 0.0);
    }
}
